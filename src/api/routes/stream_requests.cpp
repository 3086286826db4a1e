#include "api/routes/stream_requests.h"

#include "api/representation/stream_json.h"
#include "api/routes/cross_peer_streams.h"
#include "api/routes/peer_replies.h"
#include "transport/net/route.h"

namespace rocd::api {

namespace {

using nlohmann::json;

/// This daemon's half of a cross-peer stream, or the error to answer.
Result<streams::StreamView> half_of(const streams::StreamService& streams, const Uid& uid) {
    auto existing = streams.get(uid);
    if (!existing) {
        return tl::unexpected(existing.error());
    }
    if (!existing->spec || !existing->spec->other_end) {
        return fail(Errc::conflict, "stream " + uid.str() + " is not a cross-peer stream", "stream_uid");
    }
    return existing;
}

/// This daemon's half of a stream with the asker, or the error to answer.
Result<streams::StreamView> half_with(const streams::StreamService& streams, const StreamAsker& asker,
                                      const Uid& uid) {
    auto existing = half_of(streams, uid);
    if (existing && existing->spec->other_end->peer != asker.peer) {
        return fail(Errc::conflict, "stream " + uid.str() + " is not a stream with this peer", "stream_uid");
    }
    return existing;
}

/// Whether the asker is the stream's coordinator rather than its other end.
bool from_coordinator(const streams::StreamView& half, const StreamAsker& asker) {
    return half.spec->other_end->peer != asker.peer;
}

/// stream_open_receiver: the receiving half of `stream`, bound on the address
/// through which the asker reaches this host.
void open_receiver(streams::StreamService& streams, const Uid& self, const StreamAsker& asker,
                   const p2p::Message& request, std::function<void(p2p::Message)> reply) {
    auto error = [&](const Error& e) { reply(peer_error_reply(request, e)); };
    auto it = request.body.find("stream");
    if (it == request.body.end() || !it->is_object()) {
        return error({Errc::invalid_argument, "stream is required", "stream"});
    }
    const json& stream = *it;
    auto uid = uid_field(stream, "stream_uid");
    if (!uid) {
        return error(uid.error());
    }
    auto local = transport::net::local_address_toward(asker.address);
    if (!local) {
        return error(local.error());
    }
    // Port 0: the half records the ports it gets (§20.4).
    const std::string at = local->str();
    json half {{"direction", "receive"},
               {"source", stream["source"]},
               {"destination", stream["destination"]},
               {"endpoints",
                {{"media_uri", "rtp+rs8m://" + at},
                 {"repair_uri", "rs8m://" + at},
                 {"control_uri", "rtcp://" + at}}},
               {"settings", stream.value("settings", json::object())}};
    auto spec = parse_stream_spec(half);
    if (!spec) {
        return error(spec.error());
    }
    if (spec->other_end->peer != asker.peer) {
        return error(
            {Errc::invalid_argument, "source.port_uri must be a port of the asking peer", "source.port_uri"});
    }
    if (peer_of(spec->port_uri, self)) {
        return error(
            {Errc::not_found, "destination.port_uri is not a port of this peer", "destination.port_uri"});
    }
    spec->settings = streams::settings_for(streams::StreamDirection::receive, spec->settings);
    auto existing = half_with(streams, asker, *uid);
    if (!existing && existing.error().code != Errc::not_found) {
        return error(existing.error());
    }
    auto answer = [request, reply](Result<streams::StreamView> view) {
        reply(view ? p2p::reply_to(request, spec_json(*view->spec)["endpoints"])
                   : peer_error_reply(request, view.error()));
    };
    if (existing && existing->state == streams::StreamState::error) {
        // Asked again (§20.3) while its stored ports could not be bound (taken
        // meanwhile, or this host's address changed): bound anew, and the
        // asker learns where.
        return streams.readdress(*uid, spec->address, std::move(answer));
    }
    // Made, or answered as it is (idempotent by uid); a uid deleted here is gone.
    streams.create(*spec, std::move(answer), *uid);
}

/// stream_create: the asker got the POST of a stream from this daemon's
/// port, as its receiving peer (§20.2 with C = B) or as a third peer C;
/// this daemon, the sender, sets it up under the uid the asker drew, asking
/// the receiving peer to open its half on the way.
void create(streams::StreamService& streams, peers::RemoteStreams* remote, const Uid& self,
            const p2p::Message& request, std::function<void(p2p::Message)> reply) {
    const json& stream = request.body.at("stream");
    auto uid = uid_field(stream, "stream_uid");
    if (!uid) {
        return reply(peer_error_reply(request, uid.error()));
    }
    json post {{"source", stream.value("source", json())},
               {"destination", stream.value("destination", json())}};
    if (auto settings = stream.find("settings"); settings != stream.end()) {
        post["settings"] = *settings;
    }
    auto spec = parse_stream_post(post);
    if (!spec) {
        return reply(peer_error_reply(request, spec.error()));
    }
    if (peer_of(spec->port_uri, self)) {
        return reply(
            peer_error_reply(request, {Errc::invalid_argument, "source.port_uri must be a port of this peer",
                                       "source.port_uri"}));
    }
    if (!peer_of(spec->playback_port_uri, self)) {
        return reply(peer_error_reply(request, {Errc::invalid_argument,
                                                "destination.port_uri must be another peer's port",
                                                "destination.port_uri"}));
    }
    create_cross_peer(
        streams, remote, self, *spec,
        [request, reply](Result<streams::StreamView> view) {
            reply(view ? p2p::reply_to(request, {{"stream", stream_json(*view)}})
                       : peer_error_reply(request, view.error()));
        },
        *uid);
}

/// stream_update: what of the settings patch concerns this daemon's half.
/// From a coordinator, this half then carries the patch to the other end,
/// as for a PATCH here.
void update(streams::StreamService& streams, peers::RemoteStreams* remote, const StreamAsker& asker,
            const p2p::Message& request, std::function<void(p2p::Message)> reply) {
    auto uid = uid_field(request.body, "stream_uid");
    if (!uid) {
        return reply(peer_error_reply(request, uid.error()));
    }
    auto half = half_of(streams, *uid);
    if (!half) {
        return reply(peer_error_reply(request, half.error()));
    }
    const json patch {{"settings", request.body.at("settings")}};
    if (from_coordinator(*half, asker)) {
        return update_cross_peer(streams, remote, *half, patch,
                                 [request, reply, uid = *uid](Result<streams::StreamView> updated) {
                                     reply(updated ? p2p::reply_to(request, {{"stream_uid", uid.str()}})
                                                   : peer_error_reply(request, updated.error()));
                                 });
    }
    auto merged = patched_settings(*half, patch);
    if (!merged) {
        return reply(peer_error_reply(request, merged.error()));
    }
    const json done {{"stream_uid", uid->str()}};
    const auto settings = streams::settings_for(half->spec->direction, *merged);
    if (settings == half->spec->settings) {
        return reply(p2p::reply_to(request, done)); // nothing of it is this half's
    }
    streams.update(*uid, settings, [request, reply, done](Result<streams::StreamView> updated) {
        reply(updated ? p2p::reply_to(request, done) : peer_error_reply(request, updated.error()));
    });
}

/// stream_stop: this daemon's half of a cross-peer stream goes. Asked by a
/// coordinator, the other end is told too (it is, by the coordinator as
/// well: a stop is idempotent).
void stop(streams::StreamService& streams, peers::RemoteStreams* remote, const StreamAsker& asker,
          const p2p::Message& request, std::function<void(p2p::Message)> reply) {
    auto uid = uid_field(request.body, "stream_uid");
    if (!uid) {
        return reply(peer_error_reply(request, uid.error()));
    }
    const json done {{"stream_uid", uid->str()}};
    auto half = half_of(streams, *uid);
    if (!half && half.error().code == Errc::not_found) {
        return reply(p2p::reply_to(request, done)); // gone already: as asked
    }
    if (!half) {
        return reply(peer_error_reply(request, half.error()));
    }
    const bool tell = from_coordinator(*half, asker);
    streams.remove(*uid, [request, reply, done, remote, tell, half = *half](Status removed) {
        if (removed && tell) {
            tell_other_end(remote, half);
        }
        reply(removed ? p2p::reply_to(request, done) : peer_error_reply(request, removed.error()));
    });
}

} // namespace

bool is_stream_request(std::string_view type) {
    return type == "stream_create" || type == "stream_open_receiver" || type == "stream_update" ||
           type == "stream_stop";
}

void serve_stream_request(streams::StreamService& streams, peers::RemoteStreams* remote, const Uid& self,
                          const StreamAsker& asker, const p2p::Message& request,
                          std::function<void(p2p::Message)> reply) {
    if (request.type == "stream_create") {
        return create(streams, remote, self, request, std::move(reply));
    }
    if (request.type == "stream_open_receiver") {
        return open_receiver(streams, self, asker, request, std::move(reply));
    }
    if (request.type == "stream_update") {
        return update(streams, remote, asker, request, std::move(reply));
    }
    stop(streams, remote, asker, request, std::move(reply));
}

} // namespace rocd::api
