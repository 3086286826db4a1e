// stream_metrics on the event stream: once a second, while a client asked
// for them (GET /events?metrics=true), every stream's live figures as the
// API shows the stream, so that a page draws graphs without polling.
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
    /// `current`: every stream's URI and JSON, now.
    using Current = std::function<std::vector<std::pair<std::string, nlohmann::json>>()>;

    MetricsEvents(boost::asio::io_context& io, events::EventBus& bus, Current current);

private:
    void tick();

    events::EventBus& bus_;
    Current current_;
    boost::asio::steady_timer timer_;
};

} // namespace rocd::daemon
