#include "daemon/stream_publication.h"

#include "api/representation/stream_json.h"

namespace rocd::daemon {

namespace {

bool is_half(const streams::StreamView& stream) {
    return stream.spec && stream.spec->other_end;
}

} // namespace

StreamPublication::StreamPublication(boost::asio::io_context& io, p2p::Listener& listener,
                                     streams::StreamService& streams)
    : streams_(streams), publisher_(listener, "streams", "stream",
                                    [this] {
                                        nlohmann::json halves = nlohmann::json::array();
                                        for (const auto& stream : streams_.list()) {
                                            if (is_half(stream)) {
                                                halves.push_back(api::stream_json(stream));
                                            }
                                        }
                                        return halves;
                                    }),
      timer_(io) {
    listener_ =
        streams_.add_listener([this](streams::StreamChange change, const streams::StreamView& stream) {
            if (is_half(stream)) {
                publish(api::stream_event_type(change), stream);
            }
        });
    tick();
}

StreamPublication::~StreamPublication() {
    streams_.remove_listener(listener_);
}

void StreamPublication::publish(const char* event, const streams::StreamView& half) {
    auto json = api::stream_json(half);
    if (std::string_view(event) == "stream_removed") {
        published_.erase(half.uid);
    } else {
        published_.insert_or_assign(half.uid, json);
    }
    publisher_.publish(event, json);
}

// Metrics move without a committed change: once a second, each half whose
// JSON differs from its last delta goes out again as an update.
void StreamPublication::tick() {
    if (publisher_.subscribers() > 0) {
        for (const auto& stream : streams_.list()) {
            if (!is_half(stream)) {
                continue;
            }
            auto last = published_.find(stream.uid);
            if (last == published_.end() || last->second != api::stream_json(stream)) {
                publish("stream_updated", stream);
            }
        }
    }
    timer_.expires_after(std::chrono::seconds(1));
    timer_.async_wait([this](auto ec) {
        if (!ec) {
            tick();
        }
    });
}

} // namespace rocd::daemon
