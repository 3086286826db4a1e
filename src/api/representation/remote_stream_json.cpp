// A half another peer published on its `streams` topic (docs/p2p.md §20.7),
// checked as this daemon checks its own input, and the `ends` of a
// cross-peer stream that combine two halves.
#include <cmath>

#include "api/representation/json_object.h"
#include "api/representation/stream_json.h"
#include "api/representation/time_json.h"
#include "core/uri.h"

namespace rocd::api {

using nlohmann::json;

namespace {

constexpr streams::StreamState all_states[] = {
    streams::StreamState::starting,
    streams::StreamState::active,
    streams::StreamState::idle,
    streams::StreamState::waiting_for_port,
    streams::StreamState::waiting_for_peer,
    streams::StreamState::error,
};

bool known_state(const json& value) {
    for (auto state : all_states) {
        if (value.is_string() && value == streams::state_name(state)) {
            return true;
        }
    }
    return false;
}

/// The figures of stream_json's `metrics`, and nothing else: a peer sends
/// numbers, not text to be shown as it is.
Result<json> checked_metrics(const json& metrics) {
    const json known = metrics_json(streams::StreamMetrics {.rtt_ms = 0.0});
    if (!metrics.is_object()) {
        return fail(Errc::invalid_argument, "metrics must be an object", "metrics");
    }
    json out = json::object();
    for (const auto& [key, value] : metrics.items()) {
        if (!known.contains(key)) {
            continue; // a figure of a newer rocd
        }
        if (!value.is_number() || !std::isfinite(value.get<double>())) {
            return fail(Errc::invalid_argument, "metrics." + key + " must be a number", "metrics." + key);
        }
        out[key] = value;
    }
    return out;
}

} // namespace

Result<json> parse_remote_half(const json& half, const Uid& peer) {
    if (!half.is_object()) {
        return fail(Errc::invalid_argument, "a stream must be an object");
    }
    json definition = json::object();
    for (const char* key : {"direction", "source", "destination", "endpoints", "settings"}) {
        if (half.contains(key)) {
            definition[key] = half[key];
        }
    }
    auto spec = parse_stream_spec(definition);
    if (!spec) {
        return tl::unexpected(spec.error());
    }
    if (!spec->other_end || spec->other_end->peer == peer) {
        return fail(Errc::invalid_argument, "not a half of a cross-peer stream", "direction");
    }
    auto uid = half.contains("stream_uid") && half["stream_uid"].is_string()
                   ? Uid::parse(half["stream_uid"].get<std::string>())
                   : fail(Errc::invalid_argument, "stream_uid is required", "stream_uid");
    if (!uid) {
        return tl::unexpected(uid.error());
    }
    if (!half.contains("state") || !known_state(half["state"])) {
        return fail(Errc::invalid_argument, "state must be a stream state", "state");
    }
    auto metrics = checked_metrics(half.value("metrics", json::object()));
    if (!metrics) {
        return tl::unexpected(metrics.error());
    }
    // The peer's own port under its uid, so that it means the same here.
    const bool sends = spec->direction == streams::StreamDirection::send;
    const std::string own = Uri::port(PeerRef::of(peer), *spec->port_uid).str();
    json out = spec_json(*spec);
    out[sends ? "source" : "destination"]["port_uri"] = own;
    out["stream_uri"] = Uri::stream(*uid).str();
    out["stream_uid"] = uid->str();
    out["state"] = half["state"];
    if (half["state"] == "error") {
        out["error"] = half.contains("error") && half["error"].is_string() ? half["error"] : json("");
    }
    if (half["state"] == "waiting_for_port") {
        out["end"] = sends ? "source" : "destination";
    }
    if (half["state"] == "waiting_for_peer") {
        out["peer_uri"] = Uri::peer(PeerRef::of(spec->other_end->peer)).str();
    }
    out["metrics"] = *metrics;
    return out;
}

json end_json(const json& half, const Uid& peer) {
    json out {{"peer_uri", Uri::peer(PeerRef::of(peer)).str()}};
    // The half's own `peer_uri` is whom it waits for; here `peer_uri` says
    // whose figures these are.
    for (auto [from, to] : {std::pair {"state", "state"},
                            {"error", "error"},
                            {"end", "end"},
                            {"peer_uri", "waiting_for"},
                            {"metrics", "metrics"}}) {
        if (half.contains(from)) {
            out[to] = half[from];
        }
    }
    return out;
}

json mirrored_end_json(const json& half, const Uid& peer, std::chrono::system_clock::time_point synced_at,
                       bool stale) {
    json out = end_json(half, peer);
    out["synced_at"] = iso8601(synced_at);
    out["stale"] = stale;
    return out;
}

} // namespace rocd::api
