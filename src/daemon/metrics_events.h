// stream_metrics and peer_metrics on the event stream: once a second, while
// a client asked for them (GET /events?metrics=true), every stream's and
// every peer's live figures as the API shows them, so that a page draws
// graphs and round trips without polling.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "events/event_bus.h"

namespace rocd::daemon {

class MetricsEvents {
public:
    struct Figures {
        const char* type; ///< events::type::stream_metrics or peer_metrics
        std::string uri;
        nlohmann::json data;
    };
    /// `current`: every stream's and peer's figures, now.
    using Current = std::function<std::vector<Figures>()>;

    MetricsEvents(boost::asio::io_context& io, events::EventBus& bus, Current current);

private:
    void tick();

    events::EventBus& bus_;
    Current current_;
    boost::asio::steady_timer timer_;
};

} // namespace rocd::daemon
