// GET /events: Server-Sent Events from the event bus.
#pragma once

#include <chrono>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "api/http/router.h"
#include "core/uid.h"
#include "events/event_bus.h"

namespace rocd::api {

struct EventStreamOptions {
    /// A comment line this often keeps proxies and clients from timing out.
    std::chrono::milliseconds heartbeat {15'000};
    /// Messages a client may have queued; one more and it gets `overflow`
    /// and is disconnected, so a slow client never holds the daemon back.
    std::size_t max_queued = 1024;
    /// Streams at once; one more is answered 503 (`too-many-event-clients`).
    std::size_t max_clients = 64;
    /// This daemon's peer uid. Events name resources by uid, so a `uri`
    /// filter of `/peers/self...` is rewritten to it.
    std::optional<Uid> self_uid;
};

void add_event_routes(Router& router, boost::asio::io_context& io, events::EventBus& bus,
                      EventStreamOptions options = {});

} // namespace rocd::api
