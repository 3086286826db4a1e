#include "api/routes/cross_peer_streams.h"

#include <spdlog/spdlog.h>

#include "api/representation/stream_json.h"
#include "api/routes/stream_requests.h"
#include "core/uri.h"

namespace rocd::api {

namespace {

using nlohmann::json;

/// The sending half of `stream` (a stream_request) to the `endpoints` the
/// receiving peer answered.
Result<streams::StreamSpec> sending_half(const json& stream, const json& endpoints) {
    return parse_stream_spec({{"direction", "send"},
                              {"source", stream["source"]},
                              {"destination", stream["destination"]},
                              {"endpoints", endpoints}});
}

/// §20.2 with the receiving peer coordinating: the sending peer `owner` sets
/// the stream up, asking this peer to open its receiving half on the way;
/// the client gets that half.
void ask_owner(streams::StreamService& streams, peers::RemoteStreams& remote, const Uid& self,
               const Uid& owner, const streams::StreamSpec& spec, Done<streams::StreamView> done) {
    const Uid uid = Uid::random();
    const json stream =
        stream_request(uid, spec.port_uri, Uri::port(PeerRef::of(self), *spec.playback_port_uid).str(),
                       spec_json(spec)["settings"]);
    remote.create(owner, stream, [&streams, &remote, owner, uid, done = std::move(done)](Result<json> made) {
        if (!made) {
            if (made.error().code == Errc::timed_out) {
                remote.stop_owed(owner, uid); // the outcome is unknown (§20.2, step 5)
            }
            // The half the owner had this peer open goes before the answer,
            // not with the owner's stop, so that the client sees nothing left.
            if (!streams.get(uid)) {
                return done(tl::unexpected(made.error()));
            }
            return streams.remove(uid, [error = made.error(), done = std::move(done)](Status) mutable {
                done(tl::unexpected(std::move(error)));
            });
        }
        auto mine = streams.get(uid);
        if (!mine) {
            return done(fail(Errc::internal, "peer " + owner.str() + " made stream " + uid.str() +
                                                 " but this peer holds no half of it"));
        }
        done(std::move(mine));
    });
}

} // namespace

std::optional<Uid> peer_of(const std::string& port_uri, const Uid& self) {
    auto uri = Uri::parse(port_uri);
    if (!uri || uri->kind() != Uri::Kind::port || uri->peer_ref().is_self() ||
        uri->peer_ref().uid() == self) {
        return std::nullopt;
    }
    return uri->peer_ref().uid();
}

json stream_request(const Uid& uid, const std::string& source, const std::string& destination,
                    const json& settings) {
    return {{"stream_uid", uid.str()},
            {"source", {{"type", "port"}, {"port_uri", source}}},
            {"destination", {{"type", "port"}, {"port_uri", destination}}},
            {"settings", settings}};
}

Error protocol_off(const char* field) {
    return {Errc::unavailable, "the peer protocol is off here (p2p_listen: off)", field};
}

bool is_cross_peer(const streams::StreamSpec& spec, const Uid& self) {
    return spec.direction == streams::StreamDirection::local &&
           (peer_of(spec.port_uri, self) || peer_of(spec.playback_port_uri, self));
}

void create_cross_peer(streams::StreamService& streams, peers::RemoteStreams* remote, const Uid& self,
                       const streams::StreamSpec& spec, Done<streams::StreamView> done,
                       std::optional<Uid> given) {
    const auto sender = peer_of(spec.port_uri, self);
    const auto receiver = peer_of(spec.playback_port_uri, self);
    if (sender && receiver) {
        return done(fail(Errc::internal,
                         "a stream between two other peers' ports is coordinated, not made here",
                         "source.port_uri"));
    }
    if (remote == nullptr) {
        return done(tl::unexpected(protocol_off(sender ? "source.port_uri" : "destination.port_uri")));
    }
    if (sender) {
        return ask_owner(streams, *remote, self, *sender, spec, std::move(done));
    }
    const Uid uid = given ? *given : Uid::random();
    const streams::StreamSettings sending =
        streams::settings_for(streams::StreamDirection::send, spec.settings);
    const json stream = stream_request(uid, Uri::port(PeerRef::of(self), *spec.port_uid).str(),
                                       spec.playback_port_uri, spec_json(spec)["settings"]);
    remote->open_receiver(*receiver, stream,
                          [&streams, remote, receiver = *receiver, uid, stream, sending,
                           done = std::move(done)](Result<json> endpoints) mutable {
                              if (!endpoints) {
                                  return done(tl::unexpected(endpoints.error()));
                              }
                              auto half = sending_half(stream, *endpoints);
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

void update_cross_peer(streams::StreamService& streams, peers::RemoteStreams* remote,
                       const streams::StreamView& half, const json& body, Done<streams::StreamView> done) {
    auto merged = patched_settings(half, body);
    if (!merged) {
        return done(tl::unexpected(merged.error()));
    }
    if (remote == nullptr) {
        return done(tl::unexpected(protocol_off("settings")));
    }
    const Uid uid = half.uid;
    const Uid other = half.spec->other_end->peer;
    const streams::StreamSettings before = half.spec->settings;
    const streams::StreamSettings mine = streams::settings_for(half.spec->direction, *merged);
    auto tell_other = [&streams, remote, uid, other, before, patch = body.at("settings"),
                       done = std::move(done)](Result<streams::StreamView> applied) mutable {
        if (!applied) {
            return done(std::move(applied));
        }
        remote->update(
            other, uid, patch,
            [&streams, uid, before, applied = *applied, done = std::move(done)](Status told) mutable {
                if (told) {
                    return done(std::move(applied));
                }
                if (applied.spec->settings == before) {
                    return done(tl::unexpected(told.error()));
                }
                streams.update(uid, before,
                               [error = told.error(), done = std::move(done)](Result<streams::StreamView>) {
                                   done(tl::unexpected(error));
                               });
            });
    };
    if (mine == before) {
        return tell_other(half); // nothing of the patch is this half's
    }
    streams.update(uid, mine, std::move(tell_other));
}

void reopen_receivers(streams::StreamService& streams, peers::RemoteStreams& remote, const Uid& self,
                      const Uid& peer) {
    for (const auto& view : streams.list()) {
        if (!view.spec || !view.spec->other_end || view.spec->other_end->peer != peer ||
            view.spec->direction != streams::StreamDirection::send) {
            continue;
        }
        const json stream = stream_request(view.uid, Uri::port(PeerRef::of(self), *view.spec->port_uid).str(),
                                           view.spec->other_end->port_uri, spec_json(*view.spec)["settings"]);
        remote.open_receiver(peer, stream, [&streams, uid = view.uid, stream](Result<json> endpoints) {
            auto now = streams.get(uid);
            if (!now || !now->spec) {
                return; // deleted meanwhile
            }
            if (!endpoints) {
                if (endpoints.error().code == Errc::gone) {
                    spdlog::info("stream {}: its receiving half was deleted; deleting this half", uid.str());
                    return streams.remove(uid, [](Status) {});
                }
                return spdlog::warn("stream {}: the receiving peer did not open its half again: {}",
                                    uid.str(), endpoints.error().message);
            }
            auto half = sending_half(stream, *endpoints);
            if (!half) {
                return spdlog::warn("stream {}: the receiving peer answered endpoints that are not valid: {}",
                                    uid.str(), half.error().message);
            }
            if (half->address == now->spec->address) {
                return;
            }
            spdlog::info("stream {}: the receiving peer listens on {} now", uid.str(),
                         half->address.media_uri);
            streams.readdress(uid, half->address, [uid](Result<streams::StreamView> moved) {
                if (!moved) {
                    spdlog::warn("stream {}: cannot send to the new endpoints: {}", uid.str(),
                                 moved.error().message);
                }
            });
        });
    }
}

void tell_other_end(peers::RemoteStreams* remote, const streams::StreamView& removed) {
    if (remote == nullptr || !removed.spec || !removed.spec->other_end) {
        return;
    }
    remote->stop_owed(removed.spec->other_end->peer, removed.uid);
}

} // namespace rocd::api
