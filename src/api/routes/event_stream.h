// One Server-Sent Events client of the event bus.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "api/http/stream_body.h"
#include "api/routes/events.h"
#include "events/event_bus.h"

namespace rocd::api {

/// Formats one SSE message; `id` is omitted for messages that are not bus
/// events (snapshots, control messages).
std::string sse_message(std::string_view event, const nlohmann::json& data, std::optional<std::uint64_t> id);
/// A bus event as an SSE message: the bus's Render, so that each event is
/// formatted once for every client.
std::string sse_event(std::uint64_t id, std::string_view type, const nlohmann::json& data);

/// Replays missed events (`last_id`), sends a snapshot if asked, then
/// forwards live events until the client goes or falls `max_queued`
/// messages behind (then: a final `overflow` message and disconnect).
/// Runs on the control-plane thread, like the bus.
class EventStream : public StreamSource, public std::enable_shared_from_this<EventStream> {
public:
    EventStream(boost::asio::io_context& io, events::EventBus& bus, EventStreamOptions options,
                events::Filter filter, std::optional<std::uint64_t> last_id, bool snapshot,
                std::shared_ptr<std::size_t> clients);
    ~EventStream() override;

    void start(StreamSink& sink) override;
    void stop() override;

private:
    void forward(const events::Event& event);
    void arm_heartbeat();

    events::EventBus& bus_;
    EventStreamOptions options_;
    events::Filter filter_;
    std::optional<std::uint64_t> last_id_;
    bool snapshot_;
    boost::asio::steady_timer heartbeat_;
    StreamSink* sink_ = nullptr;
    std::optional<events::EventBus::SubscriberId> subscription_;
    std::uint64_t delivered_ = 0;
    /// The route's count of open streams, this one included.
    std::shared_ptr<std::size_t> clients_;
};

} // namespace rocd::api
