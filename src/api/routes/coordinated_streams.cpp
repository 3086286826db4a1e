#include "api/routes/coordinated_streams.h"

#include "api/representation/stream_json.h"
#include "api/routes/cross_peer_streams.h"

namespace rocd::api {

using nlohmann::json;

void coordinate(streams::StreamReferences& references, peers::RemoteStreams* remote, const Uid& self,
                const streams::StreamSpec& spec, Done<streams::StreamReference> done) {
    const Uid sender = *peer_of(spec.port_uri, self);
    const Uid receiver = *peer_of(spec.playback_port_uri, self);
    if (remote == nullptr) {
        return done(tl::unexpected(protocol_off("source.port_uri")));
    }
    const Uid uid = Uid::random();
    const std::string source = spec.port_uri;
    const std::string destination = spec.playback_port_uri;
    remote->create(sender, stream_request(uid, source, destination, spec_json(spec)["settings"]),
                   [&references, remote, sender, receiver, uid, source, destination,
                    done = std::move(done)](Result<json> made) {
                       if (!made) {
                           if (made.error().code == Errc::timed_out) {
                               // The outcome is unknown (§20.2, step 5): whatever
                               // either end made goes.
                               remote->stop_owed(sender, uid);
                               remote->stop_owed(receiver, uid);
                           }
                           return done(tl::unexpected(made.error()));
                       }
                       if (auto kept = references.add(source, destination, uid); !kept) {
                           remote->stop_owed(sender, uid);
                           remote->stop_owed(receiver, uid);
                           return done(tl::unexpected(kept.error()));
                       }
                       done(*references.get(uid));
                   });
}

void update_coordinated(peers::RemoteStreams* remote, const streams::StreamReference& reference,
                        const json& body, Done<void> done) {
    // The same checks as for a half, on the defaults: the sender checks the
    // patch against what it holds.
    streams::StreamView shape {.uid = reference.uid};
    shape.spec = streams::StreamSpec {};
    if (auto checked = patched_settings(shape, body); !checked) {
        return done(tl::unexpected(checked.error()));
    }
    if (remote == nullptr) {
        return done(tl::unexpected(protocol_off("settings")));
    }
    remote->update(reference.sender, reference.uid, body.at("settings"), std::move(done));
}

Status remove_coordinated(streams::StreamReferences& references, peers::RemoteStreams* remote,
                          const streams::StreamReference& reference) {
    if (auto removed = references.remove(reference.uid); !removed) {
        return removed;
    }
    if (remote != nullptr) {
        remote->stop_owed(reference.sender, reference.uid);
        remote->stop_owed(reference.receiver, reference.uid);
    }
    return {};
}

} // namespace rocd::api
