#include "peers/remote_streams.h"

#include <spdlog/spdlog.h>

namespace rocd::peers {

namespace {

/// For requests whose reply says only that it was done.
PeerRequests::Sent status_of(Done<void> done) {
    return [done = std::move(done)](Result<p2p::Message> reply) {
        done(reply ? Status {} : tl::unexpected(reply.error()));
    };
}

} // namespace

void RemoteStreams::open_receiver(const Uid& peer, nlohmann::json stream, Done<nlohmann::json> done) {
    requests_.send(
        peer, capability, "stream_open_receiver", {{"stream", std::move(stream)}}, options_.timeout,
        [peer, done = std::move(done)](Result<p2p::Message> reply) {
            if (!reply) {
                return done(tl::unexpected(reply.error()));
            }
            const auto& body = reply->body;
            for (const char* key : {"media_uri", "control_uri"}) {
                auto it = body.find(key);
                if (it == body.end() || !it->is_string()) {
                    spdlog::warn("peers: {} opened a receiver but did not say its {}", peer.str(), key);
                    return done(fail(Errc::internal,
                                     "peer " + peer.str() + " answered without the endpoints it bound"));
                }
            }
            nlohmann::json endpoints = nlohmann::json::object();
            for (const char* key : {"media_uri", "repair_uri", "control_uri"}) {
                if (auto it = body.find(key); it != body.end() && it->is_string()) {
                    endpoints[key] = *it;
                }
            }
            done(std::move(endpoints));
        });
}

void RemoteStreams::create(const Uid& owner, nlohmann::json stream, Done<nlohmann::json> done) {
    requests_.send(owner, capability, "stream_create", {{"stream", std::move(stream)}},
                   options_.create_timeout, [done = std::move(done)](Result<p2p::Message> reply) {
                       if (!reply) {
                           return done(tl::unexpected(reply.error()));
                       }
                       done(reply->body.at("stream"));
                   });
}

void RemoteStreams::update(const Uid& peer, const Uid& stream, nlohmann::json settings, Done<void> done) {
    requests_.send(peer, capability, "stream_update",
                   {{"stream_uid", stream.str()}, {"settings", std::move(settings)}}, options_.timeout,
                   status_of(std::move(done)));
}

void RemoteStreams::stop(const Uid& peer, const Uid& stream, Done<void> done) {
    requests_.send(peer, capability, "stream_stop", {{"stream_uid", stream.str()}}, options_.timeout,
                   status_of(std::move(done)));
}

void RemoteStreams::stop_owed(const Uid& peer, const Uid& stream) {
    if (auto kept = stops_.add(stream, peer); !kept) {
        spdlog::warn("streams: cannot keep the stop of stream {} owed to peer {}: {}", stream.str(),
                     peer.str(), kept.error().message);
    }
    send_owed(peer, stream);
}

void RemoteStreams::on_online(const Uid& peer) {
    auto owed = stops_.owed_to(peer);
    if (!owed) {
        spdlog::warn("streams: cannot read the stops owed to peer {}: {}", peer.str(), owed.error().message);
        return;
    }
    for (const Uid& stream : *owed) {
        send_owed(peer, stream);
    }
}

void RemoteStreams::send_owed(const Uid& peer, const Uid& stream) {
    stop(peer, stream, [this, peer, stream](Status stopped) {
        // Unreachable or no answer: the peer may still hold its half. Any
        // answer, even a refusal, settles it (a refusal says it holds no half
        // of this stream with us).
        if (!stopped &&
            (stopped.error().code == Errc::unavailable || stopped.error().code == Errc::timed_out)) {
            spdlog::info(
                "streams: peer {} has not removed its half of stream {} yet ({}); told again when it "
                "is online",
                peer.str(), stream.str(), stopped.error().message);
            return;
        }
        if (!stopped) {
            spdlog::warn("streams: peer {} refused to remove its half of stream {}: {}", peer.str(),
                         stream.str(), stopped.error().message);
        }
        if (auto forgotten = stops_.remove(stream, peer); !forgotten) {
            spdlog::warn("streams: {}", forgotten.error().message);
        }
    });
}

} // namespace rocd::peers
