#include "api/representation/stream_json.h"

#include <cmath>

#include "api/representation/json_object.h"
#include "core/uri.h"
#include "events/event.h"

namespace rocd::api {

using nlohmann::json;
using streams::AddressSpec;
using streams::StreamDirection;
using streams::StreamSettings;
using streams::StreamSpec;

namespace {

Result<std::string> get_string(const json& object, const char* key, const std::string& field) {
    const std::string path = field + "." + key;
    if (!object.contains(key)) {
        return fail(Errc::invalid_argument, path + " is required", path);
    }
    const auto& value = object.at(key);
    if (!value.is_string() || value.get_ref<const std::string&>().empty()) {
        return fail(Errc::invalid_argument, path + " must be a non-empty string", path);
    }
    return value.get<std::string>();
}

Result<std::optional<std::string>> get_optional_string(const json& object, const char* key,
                                                       const std::string& field) {
    if (!object.contains(key) || object.at(key).is_null()) {
        return std::optional<std::string>();
    }
    auto value = get_string(object, key, field);
    if (!value) {
        return tl::unexpected(value.error());
    }
    return std::optional<std::string>(*value);
}

template <class T> Status read_number(const json& settings, const char* key, std::optional<T>& out) {
    if (!settings.contains(key)) {
        return {};
    }
    const auto& value = settings.at(key);
    const std::string path = std::string("settings.") + key;
    if (value.is_null()) {
        out.reset();
        return {};
    }
    if constexpr (std::is_integral_v<T>) {
        if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
            value.get<std::int64_t>() > 1'000'000) {
            return fail(Errc::invalid_argument, path + " must be an integer in 0..1000000", path);
        }
        out = static_cast<T>(value.get<std::int64_t>());
    } else {
        if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() <= 0 ||
            value.get<double>() > 600'000) {
            return fail(Errc::invalid_argument, path + " must be a positive number of milliseconds", path);
        }
        out = value.get<double>();
    }
    return {};
}

Result<AddressSpec> parse_address(const json& value, const std::string& field) {
    if (auto st = check_object(value, field, {"type", "media_uri", "repair_uri", "control_uri"}); !st) {
        return tl::unexpected(st.error());
    }
    AddressSpec out;
    auto media = get_string(value, "media_uri", field);
    if (!media) {
        return tl::unexpected(media.error());
    }
    out.media_uri = *media;
    auto repair = get_optional_string(value, "repair_uri", field);
    if (!repair) {
        return tl::unexpected(repair.error());
    }
    out.repair_uri = *repair;
    auto control = get_optional_string(value, "control_uri", field);
    if (!control) {
        return tl::unexpected(control.error());
    }
    out.control_uri = *control;
    return out;
}

/// A port endpoint's URI text and uid.
Status parse_port(const json& value, const std::string& field, std::string& uri_text,
                  std::optional<Uid>& uid) {
    if (auto st = check_object(value, field, {"type", "port_uri"}); !st) {
        return st;
    }
    auto text = get_string(value, "port_uri", field);
    if (!text) {
        return tl::unexpected(text.error());
    }
    const std::string path = field + ".port_uri";
    auto uri = Uri::parse(*text);
    if (!uri || uri->kind() != Uri::Kind::port) {
        return fail(Errc::invalid_argument,
                    path + " must be a port URI (/peers/self/ports/<port_uid>): '" + *text + "'", path);
    }
    uri_text = *text;
    uid = uri->port_uid();
    return {};
}

Result<std::string> endpoint_type(const json& value, const std::string& field) {
    if (!value.is_object()) {
        return fail(Errc::invalid_argument, field + " must be an object", field);
    }
    auto type = get_string(value, "type", field);
    if (!type) {
        return tl::unexpected(type.error());
    }
    if (*type != "port" && *type != "address") {
        return fail(Errc::invalid_argument, field + ".type must be 'port' or 'address'", field + ".type");
    }
    return type;
}

json address_json(const AddressSpec& address) {
    json out {{"type", "address"}, {"media_uri", address.media_uri}};
    if (address.repair_uri) {
        out["repair_uri"] = *address.repair_uri;
    }
    if (address.control_uri) {
        out["control_uri"] = *address.control_uri;
    }
    return out;
}

/// A half of a cross-peer stream as stored (docs/p2p.md §20): port to port,
/// one of them another peer's, with the endpoints the receiving peer bound.
Result<StreamSpec> parse_half(const json& body) {
    if (auto st = check_fields(body, {"direction", "source", "destination", "endpoints", "settings"}); !st) {
        return tl::unexpected(st.error());
    }
    auto direction = get_string(body, "direction", "stream");
    if (!direction) {
        return tl::unexpected(direction.error());
    }
    StreamSpec spec;
    if (*direction == "send") {
        spec.direction = StreamDirection::send;
    } else if (*direction == "receive") {
        spec.direction = StreamDirection::receive;
    } else {
        return fail(Errc::invalid_argument, "direction of a cross-peer stream must be 'send' or 'receive'",
                    "direction");
    }
    for (const char* end : {"source", "destination"}) {
        if (!body.contains(end)) {
            return fail(Errc::invalid_argument, std::string(end) + " is required", end);
        }
        auto type = endpoint_type(body.at(end), end);
        if (!type) {
            return tl::unexpected(type.error());
        }
        if (*type != "port") {
            return fail(Errc::invalid_argument, "a cross-peer stream goes from a port to a port",
                        std::string(end) + ".type");
        }
    }
    const bool sends = spec.direction == StreamDirection::send;
    const char* local = sends ? "source" : "destination";
    const char* remote = sends ? "destination" : "source";
    if (auto st = parse_port(body.at(local), local, spec.port_uri, spec.port_uid); !st) {
        return tl::unexpected(st.error());
    }
    std::string other_uri;
    std::optional<Uid> other_port;
    if (auto st = parse_port(body.at(remote), remote, other_uri, other_port); !st) {
        return tl::unexpected(st.error());
    }
    const PeerRef peer = Uri::parse(other_uri)->peer_ref(); // parse_port checked it
    if (peer.is_self()) {
        return fail(Errc::invalid_argument, "the other end of a cross-peer stream is another peer's port",
                    std::string(remote) + ".port_uri");
    }
    spec.other_end = streams::OtherEnd {.port_uri = other_uri, .peer = peer.uid()};
    auto endpoints = parse_address(body.at("endpoints"), "endpoints");
    if (!endpoints) {
        return tl::unexpected(endpoints.error());
    }
    spec.address = *endpoints;
    if (body.contains("settings")) {
        if (auto st = merge_settings(spec.settings, body.at("settings")); !st) {
            return tl::unexpected(st.error());
        }
    }
    return spec;
}

template <class T> void put(json& out, const char* key, const std::optional<T>& value) {
    if (value) {
        out[key] = *value;
    }
}

} // namespace

Status merge_settings(StreamSettings& base, const json& settings) {
    if (auto st = check_object(settings, "settings",
                               {"rate", "channels", "packet_length_ms", "fec_block_source_packets",
                                "fec_block_repair_packets", "target_latency_ms", "latency_tolerance_ms",
                                "resampler_quality"});
        !st) {
        return st;
    }
    StreamSettings out = base;
    for (auto st : {read_number(settings, "rate", out.rate), read_number(settings, "channels", out.channels),
                    read_number(settings, "packet_length_ms", out.packet_length_ms),
                    read_number(settings, "fec_block_source_packets", out.fec_block_source_packets),
                    read_number(settings, "fec_block_repair_packets", out.fec_block_repair_packets),
                    read_number(settings, "target_latency_ms", out.target_latency_ms),
                    read_number(settings, "latency_tolerance_ms", out.latency_tolerance_ms),
                    read_number(settings, "resampler_quality", out.resampler_quality)}) {
        if (!st) {
            return st;
        }
    }
    base = out;
    return {};
}

Result<StreamSpec> parse_stream_spec(const json& body) {
    if (!body.is_object()) {
        return fail(Errc::invalid_argument, "the stream must be a JSON object");
    }
    if (body.contains("endpoints")) {
        return parse_half(body);
    }
    if (auto st = check_fields(body, {"source", "destination", "settings"}); !st) {
        return tl::unexpected(st.error());
    }
    if (!body.contains("source")) {
        return fail(Errc::invalid_argument, "source is required", "source");
    }
    if (!body.contains("destination")) {
        return fail(Errc::invalid_argument, "destination is required", "destination");
    }
    auto source_type = endpoint_type(body.at("source"), "source");
    if (!source_type) {
        return tl::unexpected(source_type.error());
    }
    auto destination_type = endpoint_type(body.at("destination"), "destination");
    if (!destination_type) {
        return tl::unexpected(destination_type.error());
    }
    StreamSpec spec;
    if (*source_type == "port" && *destination_type == "address") {
        spec.direction = StreamDirection::send;
        if (auto st = parse_port(body.at("source"), "source", spec.port_uri, spec.port_uid); !st) {
            return tl::unexpected(st.error());
        }
        auto address = parse_address(body.at("destination"), "destination");
        if (!address) {
            return tl::unexpected(address.error());
        }
        spec.address = *address;
    } else if (*source_type == "address" && *destination_type == "port") {
        spec.direction = StreamDirection::receive;
        if (auto st = parse_port(body.at("destination"), "destination", spec.port_uri, spec.port_uid); !st) {
            return tl::unexpected(st.error());
        }
        auto address = parse_address(body.at("source"), "source");
        if (!address) {
            return tl::unexpected(address.error());
        }
        spec.address = *address;
    } else if (*source_type == "port" && *destination_type == "port") {
        spec.direction = StreamDirection::local;
        if (auto st = parse_port(body.at("source"), "source", spec.port_uri, spec.port_uid); !st) {
            return tl::unexpected(st.error());
        }
        if (auto st = parse_port(body.at("destination"), "destination", spec.playback_port_uri,
                                 spec.playback_port_uid);
            !st) {
            return tl::unexpected(st.error());
        }
        if (*spec.port_uid == *spec.playback_port_uid) {
            return fail(Errc::invalid_argument, "a stream cannot play a port into itself",
                        "destination.port_uri");
        }
    } else {
        return fail(Errc::unsupported,
                    "a stream goes from a port or an address to a port, or from a port to an address; "
                    "got address -> address",
                    "destination.type");
    }
    if (body.contains("settings")) {
        if (auto st = merge_settings(spec.settings, body.at("settings")); !st) {
            return tl::unexpected(st.error());
        }
    }
    return spec;
}

Result<StreamSpec> parse_stream_post(const json& body) {
    if (body.is_object()) {
        for (const char* key : {"direction", "endpoints"}) {
            if (body.contains(key)) {
                return fail(Errc::invalid_argument, std::string("unknown field '") + key + "'", key);
            }
        }
    }
    return parse_stream_spec(body);
}

json spec_json(const StreamSpec& spec) {
    const json port {{"type", "port"}, {"port_uri", spec.port_uri}};
    const json address = address_json(spec.address);
    json settings = json::object();
    const auto& s = spec.settings;
    put(settings, "rate", s.rate);
    put(settings, "channels", s.channels);
    put(settings, "packet_length_ms", s.packet_length_ms);
    put(settings, "fec_block_source_packets", s.fec_block_source_packets);
    put(settings, "fec_block_repair_packets", s.fec_block_repair_packets);
    put(settings, "target_latency_ms", s.target_latency_ms);
    put(settings, "latency_tolerance_ms", s.latency_tolerance_ms);
    put(settings, "resampler_quality", s.resampler_quality);
    if (spec.other_end) {
        json endpoints = address;
        endpoints.erase("type");
        const json other {{"type", "port"}, {"port_uri", spec.other_end->port_uri}};
        const bool sends = spec.direction == StreamDirection::send;
        return {{"direction", streams::direction_name(spec.direction)},
                {"source", sends ? port : other},
                {"destination", sends ? other : port},
                {"endpoints", endpoints},
                {"settings", settings}};
    }
    switch (spec.direction) {
    case StreamDirection::send:
        return {{"source", port}, {"destination", address}, {"settings", settings}};
    case StreamDirection::receive:
        return {{"source", address}, {"destination", port}, {"settings", settings}};
    case StreamDirection::local:
        break;
    }
    const json playback {{"type", "port"}, {"port_uri", spec.playback_port_uri}};
    return {{"source", port}, {"destination", playback}, {"settings", settings}};
}

Result<StreamSettings> patched_settings(const streams::StreamView& stream, const json& body) {
    if (!body.is_object() || body.empty()) {
        return fail(Errc::invalid_argument, "nothing to change: the body has no field");
    }
    for (const auto& [key, value] : body.items()) {
        if (key != "settings") {
            return fail(Errc::invalid_argument,
                        "unknown field '" + key +
                            "' (only settings can be changed; delete and re-create "
                            "the stream to change its source or destination)",
                        key);
        }
    }
    if (!stream.spec) {
        return fail(Errc::conflict, "the stream's stored definition is invalid; delete it", "settings");
    }
    StreamSettings settings = stream.spec->settings;
    if (auto st = merge_settings(settings, body.at("settings")); !st) {
        return tl::unexpected(st.error());
    }
    return settings;
}

json metrics_json(const streams::StreamMetrics& m) {
    json out {
        {"frames", m.frames},
        {"packets_sent", m.packets_sent},
        {"packets_received", m.packets_received},
        {"packets_lost", m.packets_lost},
        {"packets_recovered", m.packets_recovered},
        {"packets_late", m.packets_late},
        {"packets_unroutable", m.packets_unroutable},
        {"packets_rate_limited", m.packets_rate_limited},
        {"sessions", m.sessions},
        {"latency_ms", m.latency_ms},
        {"jitter_ms", m.jitter_ms},
        {"scaling", m.scaling},
        {"xruns", m.xruns},
    };
    if (m.rtt_ms) {
        out["rtt_ms"] = *m.rtt_ms;
    }
    return out;
}

json stream_json(const streams::StreamView& stream) {
    json out;
    if (stream.spec) {
        out = spec_json(*stream.spec);
        out["direction"] = streams::direction_name(stream.spec->direction);
    } else {
        // A damaged definition is shown as stored, so the user sees what
        // is wrong with it.
        out = json::parse(stream.stored_definition, nullptr, false);
        if (!out.is_object()) {
            out = json::object();
        }
    }
    out["stream_uri"] = Uri::stream(stream.uid).str();
    out["stream_uid"] = stream.uid.str();
    out["state"] = streams::state_name(stream.state);
    if (stream.state == streams::StreamState::error) {
        out["error"] = stream.error;
    }
    if (stream.state == streams::StreamState::waiting_for_port && stream.spec &&
        stream.spec->direction != StreamDirection::local) {
        // A send stream waits for its source, a receive stream for its
        // destination; a local one may wait for either.
        out["end"] = stream.spec->direction == StreamDirection::send ? "source" : "destination";
    }
    if (stream.state == streams::StreamState::waiting_for_peer && stream.spec && stream.spec->other_end) {
        out["peer_uri"] = Uri::peer(PeerRef::of(stream.spec->other_end->peer)).str();
    }
    out["metrics"] = metrics_json(stream.metrics);
    return out;
}

const char* stream_event_type(streams::StreamChange change) {
    switch (change) {
    case streams::StreamChange::added:
        return events::type::stream_added;
    case streams::StreamChange::updated:
        return events::type::stream_updated;
    case streams::StreamChange::state_changed:
        return events::type::stream_state_changed;
    case streams::StreamChange::removed:
        break;
    }
    return events::type::stream_removed;
}

streams::SpecCodec stream_spec_codec() {
    return {
        [](const StreamSpec& spec) { return spec_json(spec).dump(); },
        [](const std::string& text) { return parse_stream_spec(json::parse(text, nullptr, false)); },
    };
}

} // namespace rocd::api
