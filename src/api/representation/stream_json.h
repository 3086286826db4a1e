// A stream's JSON: its definition (POST body, stored row), PATCH bodies,
// the stream as REST and events show it.
#pragma once

#include <chrono>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "streams/stream_spec.h"
#include "streams/stream_view.h"

namespace rocd::api {

/// Parses a POST body (or a stored spec): strict, errors name the field
/// path ("destination.media_uri"). Checks shapes only; what the URIs and
/// settings mean is checked when the stream is opened.
Result<streams::StreamSpec> parse_stream_spec(const nlohmann::json& body);

/// Parses a client's POST body: as parse_stream_spec, but the fields of a
/// stored half of a cross-peer stream (`direction`, `endpoints`), which
/// only the peers set, are unknown fields here.
Result<streams::StreamSpec> parse_stream_post(const nlohmann::json& body);

/// Parses a PATCH body's "settings" over `base`: fields present replace,
/// `null` resets to the default. `base` is unchanged on error.
Status merge_settings(streams::StreamSettings& base, const nlohmann::json& settings);

/// A PATCH body ({"settings": {...}}) applied to `stream`'s settings.
Result<streams::StreamSettings> patched_settings(const streams::StreamView& stream,
                                                 const nlohmann::json& body);

/// The spec as JSON: {"source", "destination", "settings"}.
nlohmann::json spec_json(const streams::StreamSpec& spec);

/// A stream as the API shows it (also the data of stream events, and what
/// the `streams` topic carries of a half of a cross-peer stream).
nlohmann::json stream_json(const streams::StreamView& stream);

/// A stream's counters as stream_json's `metrics`.
nlohmann::json metrics_json(const streams::StreamMetrics& metrics);

/// A half of a cross-peer stream that `peer` published (docs/p2p.md §20.7),
/// checked as this daemon's own input: its definition as a stored half, a
/// stream uid, a known state, numeric metrics. Answers it as stream_json
/// shows a half, the peer's own port named by the peer's uid.
Result<nlohmann::json> parse_remote_half(const nlohmann::json& half, const Uid& peer);

/// One end of a cross-peer stream in its `ends` (§20.7): the peer the
/// figures are from, the half's state (with `error`, or `waiting_for` the
/// peer it waits for) and metrics.
nlohmann::json end_json(const nlohmann::json& half, const Uid& peer);
/// The same for a half known from `peer`'s mirror, with the mirror's age.
nlohmann::json mirrored_end_json(const nlohmann::json& half, const Uid& peer,
                                 std::chrono::system_clock::time_point synced_at, bool stale);

/// "stream_added", "stream_updated", "stream_state_changed", "stream_removed".
const char* stream_event_type(streams::StreamChange change);

/// The store keeps a stream's definition as its API JSON.
streams::SpecCodec stream_spec_codec();

} // namespace rocd::api
