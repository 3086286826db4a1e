#include "daemon/metrics_events.h"

namespace rocd::daemon {

MetricsEvents::MetricsEvents(boost::asio::io_context& io, events::EventBus& bus, Current current)
    : bus_(bus), current_(std::move(current)), timer_(io) {
    tick();
}

void MetricsEvents::tick() {
    if (bus_.wants_metrics()) {
        for (auto& figures : current_()) {
            bus_.publish_metrics(figures.type, std::move(figures.uri), figures.data);
        }
    }
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec) {
            tick();
        }
    });
}

} // namespace rocd::daemon
