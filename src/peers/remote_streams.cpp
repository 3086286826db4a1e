#include "peers/remote_streams.h"

#include <spdlog/spdlog.h>

namespace rocd::peers {

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

void RemoteStreams::stop(const Uid& peer, const Uid& stream, Done<void> done) {
    requests_.send(peer, capability, "stream_stop", {{"stream_uid", stream.str()}}, options_.timeout,
                   [done = std::move(done)](Result<p2p::Message> reply) {
                       done(reply ? Status {} : tl::unexpected(reply.error()));
                   });
}

} // namespace rocd::peers
