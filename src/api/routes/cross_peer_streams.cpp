#include "api/routes/cross_peer_streams.h"

#include "api/representation/stream_json.h"
#include "api/routes/stream_requests.h"
#include "core/uri.h"

namespace rocd::api {

namespace {

using nlohmann::json;

std::optional<Uid> peer_of(const std::string& port_uri, const Uid& self) {
    auto uri = Uri::parse(port_uri);
    if (!uri || uri->kind() != Uri::Kind::port || uri->peer_ref().is_self() ||
        uri->peer_ref().uid() == self) {
        return std::nullopt;
    }
    return uri->peer_ref().uid();
}

} // namespace

bool is_cross_peer(const streams::StreamSpec& spec, const Uid& self) {
    return spec.direction == streams::StreamDirection::local &&
           (peer_of(spec.port_uri, self) || peer_of(spec.playback_port_uri, self));
}

void create_cross_peer(streams::StreamService& streams, peers::RemoteStreams* remote, const Uid& self,
                       const streams::StreamSpec& spec, Done<streams::StreamView> done) {
    if (peer_of(spec.port_uri, self)) {
        return done(fail(Errc::unsupported,
                         "a stream from another peer's port is created on that peer for now: POST it there",
                         "source.port_uri"));
    }
    const Uid receiver = *peer_of(spec.playback_port_uri, self);
    if (remote == nullptr) {
        return done(fail(Errc::unavailable, "the peer protocol is off here (p2p_listen: off)",
                         "destination.port_uri"));
    }
    const Uid uid = Uid::random();
    const streams::StreamSettings sending =
        streams::settings_for(streams::StreamDirection::send, spec.settings);
    json stream {
        {"stream_uid", uid.str()},
        {"source", {{"type", "port"}, {"port_uri", Uri::port(PeerRef::of(self), *spec.port_uid).str()}}},
        {"destination", {{"type", "port"}, {"port_uri", spec.playback_port_uri}}},
        {"settings", spec_json(spec)["settings"]}};
    remote->open_receiver(receiver, stream,
                          [&streams, remote, receiver, uid, stream, sending,
                           done = std::move(done)](Result<json> endpoints) mutable {
                              if (!endpoints) {
                                  return done(tl::unexpected(endpoints.error()));
                              }
                              auto half = parse_stream_spec({{"direction", "send"},
                                                             {"source", stream["source"]},
                                                             {"destination", stream["destination"]},
                                                             {"endpoints", *endpoints}});
                              auto undo = [remote, receiver, uid] { remote->stop_owed(receiver, uid); };
                              if (!half) {
                                  undo();
                                  return done(tl::unexpected(half.error()));
                              }
                              half->settings = sending;
                              streams.create(
                                  *half,
                                  [undo, done = std::move(done)](Result<streams::StreamView> view) {
                                      if (!view) {
                                          undo();
                                      }
                                      done(std::move(view));
                                  },
                                  uid);
                          });
}

void tell_other_end(peers::RemoteStreams* remote, const streams::StreamView& removed) {
    if (remote == nullptr || !removed.spec || !removed.spec->other_end) {
        return;
    }
    remote->stop_owed(removed.spec->other_end->peer, removed.uid);
}

} // namespace rocd::api
