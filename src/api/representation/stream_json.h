// A stream's JSON: its definition (POST body, stored row), PATCH bodies,
// the stream as REST and events show it.
#pragma once

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

/// A stream as the API shows it (also the data of stream events).
nlohmann::json stream_json(const streams::StreamView& stream);

/// "stream_added", "stream_updated", "stream_state_changed", "stream_removed".
const char* stream_event_type(streams::StreamChange change);

/// The store keeps a stream's definition as its API JSON.
streams::SpecCodec stream_spec_codec();

} // namespace rocd::api
