#include "streams/stream_spec.h"

#include <cmath>
#include <initializer_list>
#include <string_view>

#include "core/uri.h"

namespace rocd::streams {

namespace {

using nlohmann::json;

Status check_object(const json& value, const std::string& field,
                    std::initializer_list<std::string_view> allowed) {
    if (!value.is_object()) {
        return fail(Errc::invalid_argument, field + " must be an object", field);
    }
    for (const auto& [key, item] : value.items()) {
        bool known = false;
        for (std::string_view name : allowed) {
            known = known || name == key;
        }
        if (!known) {
            const std::string path = field + "." + key;
            return fail(Errc::invalid_argument, "unknown field '" + path + "'", path);
        }
    }
    return {};
}

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

template <class T> void put(json& out, const char* key, const std::optional<T>& value) {
    if (value) {
        out[key] = *value;
    }
}

} // namespace

std::vector<Uid> port_uids(const StreamSpec& spec) {
    std::vector<Uid> out {*spec.port_uid};
    if (spec.playback_port_uid) {
        out.push_back(*spec.playback_port_uid);
    }
    return out;
}

const char* direction_name(StreamDirection direction) {
    switch (direction) {
    case StreamDirection::send:
        return "send";
    case StreamDirection::receive:
        return "receive";
    case StreamDirection::local:
        break;
    }
    return "local";
}

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
    for (const auto& [key, item] : body.items()) {
        if (key != "source" && key != "destination" && key != "settings") {
            return fail(Errc::invalid_argument, "unknown field '" + key + "'", key);
        }
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

json to_json(const StreamSpec& spec) {
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

} // namespace rocd::streams
