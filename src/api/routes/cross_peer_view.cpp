#include "api/routes/cross_peer_view.h"

#include <algorithm>

#include "api/representation/stream_json.h"
#include "core/uri.h"

namespace rocd::api {

const peers::RemoteHalf* mirrored_half(const peers::StreamMirror* mirror, const Uid& peer, const Uid& uid) {
    const auto* mirrored = mirror != nullptr ? mirror->of(peer) : nullptr;
    if (mirrored == nullptr) {
        return nullptr;
    }
    auto it = std::find_if(mirrored->items.begin(), mirrored->items.end(),
                           [&](const peers::RemoteHalf& half) { return half.uid == uid; });
    return it == mirrored->items.end() ? nullptr : &*it;
}

nlohmann::json mirrored_end(const peers::StreamMirror* mirror, const Uid& peer, const Uid& uid) {
    if (const auto* half = mirrored_half(mirror, peer, uid)) {
        const auto& mirrored = *mirror->of(peer);
        return mirrored_end_json(half->json, peer, mirrored.synced_at, mirrored.stale);
    }
    return {{"peer_uri", Uri::peer(PeerRef::of(peer)).str()}, {"synced_at", nullptr}};
}

nlohmann::json shown_stream(const streams::StreamView& stream, const Uid& self,
                            const peers::StreamMirror* mirror) {
    auto out = stream_json(stream);
    if (!stream.spec || !stream.spec->other_end) {
        return out;
    }
    auto own = end_json(out, self);
    auto other = mirrored_end(mirror, stream.spec->other_end->peer, stream.uid);
    const bool sends = stream.spec->direction == streams::StreamDirection::send;
    out["ends"] = {{"sender", sends ? own : other}, {"receiver", sends ? other : own}};
    return out;
}

nlohmann::json coordinated_json(const streams::StreamReference& reference,
                                const peers::StreamMirror* mirror) {
    nlohmann::json out {{"stream_uri", Uri::stream(reference.uid).str()},
                        {"stream_uid", reference.uid.str()},
                        {"direction", "coordinated"},
                        {"source", {{"type", "port"}, {"port_uri", reference.source_uri}}},
                        {"destination", {{"type", "port"}, {"port_uri", reference.destination_uri}}},
                        {"settings", nlohmann::json::object()}};
    const auto* sent = mirrored_half(mirror, reference.sender, reference.uid);
    const auto* received = mirrored_half(mirror, reference.receiver, reference.uid);
    if (sent != nullptr && sent->json.contains("settings")) {
        out["settings"] = sent->json["settings"];
    }
    auto offline = [mirror](const Uid& peer) {
        const auto* mirrored = mirror != nullptr ? mirror->of(peer) : nullptr;
        return mirrored == nullptr || mirrored->stale;
    };
    auto state_of = [](const peers::RemoteHalf* half) {
        return half != nullptr ? half->json.value("state", std::string("starting")) : std::string("starting");
    };
    const std::string sending = state_of(sent);
    std::string state = state_of(received);
    const peers::RemoteHalf* from = received;
    if (sending == "error" || sending == "waiting_for_port" || sending == "waiting_for_peer") {
        state = sending;
        from = sent;
    }
    for (const Uid& peer : {reference.sender, reference.receiver}) {
        if (offline(peer)) {
            state = "waiting_for_peer";
            out["peer_uri"] = Uri::peer(PeerRef::of(peer)).str();
            from = nullptr;
            break;
        }
    }
    out["state"] = state;
    for (const char* key : {"error", "end"}) {
        if (from != nullptr && from->json.contains(key)) {
            out[key] = from->json[key];
        }
    }
    if (from != nullptr && from->json.contains("peer_uri")) {
        out["peer_uri"] = from->json["peer_uri"];
    }
    out["ends"] = {{"sender", mirrored_end(mirror, reference.sender, reference.uid)},
                   {"receiver", mirrored_end(mirror, reference.receiver, reference.uid)}};
    return out;
}

} // namespace rocd::api
