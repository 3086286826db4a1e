#include "api/routes/event_stream.h"

#include <spdlog/spdlog.h>

#include "api/http/json_body.h"

namespace rocd::api {

std::string sse_message(std::string_view event, const nlohmann::json& data, std::optional<std::uint64_t> id) {
    // dump() escapes newlines, so the JSON is always one data line.
    const std::string text = json_text(data);
    std::string out;
    out.reserve(text.size() + event.size() + 40);
    if (id) {
        out += "id: " + std::to_string(*id) + "\n";
    }
    out += "event: ";
    out += event;
    out += "\ndata: ";
    out += text;
    out += "\n\n";
    return out;
}

std::string sse_event(std::uint64_t id, std::string_view type, const nlohmann::json& data) {
    return sse_message(type, data, id == 0 ? std::nullopt : std::optional(id));
}

EventStream::EventStream(boost::asio::io_context& io, events::EventBus& bus, EventStreamOptions options,
                         events::Filter filter, std::optional<std::uint64_t> last_id, bool snapshot,
                         std::shared_ptr<std::size_t> clients)
    : bus_(bus), options_(options), filter_(std::move(filter)), last_id_(last_id), snapshot_(snapshot),
      heartbeat_(io), clients_(std::move(clients)) {
    ++*clients_;
}

EventStream::~EventStream() {
    --*clients_;
}

void EventStream::start(StreamSink& sink) {
    sink_ = &sink;
    // All of this runs in one go on the control-plane thread, so no event
    // can slip between the replay/snapshot and the subscription.
    static const SharedText retry = share("retry: 2000\n\n");
    sink.send(retry);
    if (last_id_) {
        auto replay = bus_.replay_after(*last_id_, filter_);
        if (!replay.complete) {
            sink.send(share(sse_message("replay_gap", {{"last_event_id", *last_id_}}, std::nullopt)));
        }
        for (const auto& event : replay.events) {
            sink.send(event.rendered);
        }
    }
    if (snapshot_) {
        for (const auto& item : bus_.snapshot(filter_)) {
            sink.send(share(sse_message("snapshot",
                                        {{"kind", item.kind}, {"uri", item.uri}, {"resource", item.data}},
                                        std::nullopt)));
        }
        sink.send(share(sse_message("snapshot_end", {{"last_event_id", bus_.last_id()}}, std::nullopt)));
    }
    // The client is now current up to here (replayed, or given the state),
    // which `overflow` reports if it falls behind before the next event.
    delivered_ = bus_.last_id();
    subscription_ = bus_.subscribe(filter_, [this](const events::Event& event) { forward(event); });
    arm_heartbeat();
}

void EventStream::stop() {
    if (subscription_) {
        bus_.unsubscribe(*subscription_);
        subscription_.reset();
    }
    heartbeat_.cancel();
    sink_ = nullptr;
}

void EventStream::forward(const events::Event& event) {
    if (sink_ == nullptr) {
        return;
    }
    if (event.id == 0) {
        // Figures (stream_metrics): the next second brings newer ones, so a
        // client that is behind skips them rather than being cut off.
        if (sink_->queued() < options_.max_queued / 2) {
            sink_->send(event.rendered);
        }
        return;
    }
    if (sink_->queued() >= options_.max_queued) {
        spdlog::warn("events: a client fell {} messages behind; disconnecting it", sink_->queued());
        sink_->send(share(sse_message(
            "overflow", {{"last_delivered_id", delivered_}, {"dropped_id", event.id}}, std::nullopt)));
        bus_.unsubscribe(*subscription_);
        subscription_.reset();
        sink_->finish();
        return;
    }
    sink_->send(event.rendered);
    delivered_ = event.id;
}

void EventStream::arm_heartbeat() {
    heartbeat_.expires_after(options_.heartbeat);
    heartbeat_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (ec || !self || self->sink_ == nullptr) {
            return;
        }
        static const SharedText heartbeat = share(": heartbeat\n\n");
        self->sink_->send(heartbeat);
        self->arm_heartbeat();
    });
}

} // namespace rocd::api
