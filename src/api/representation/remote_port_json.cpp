// parse_port: a port another peer sent (docs/p2p.md §12.3), checked as this
// daemon checks its own input.
#include <limits>

#include "api/representation/port_json.h"
#include "core/audio_limits.h"
#include "core/display_name.h"
#include "core/uri.h"

namespace rocd::api {

namespace {

Result<std::string> text_field(const nlohmann::json& port, const char* field) {
    if (!port.contains(field) || !port[field].is_string()) {
        return fail(Errc::invalid_argument, std::string(field) + " must be a string", field);
    }
    return port[field].get<std::string>();
}

Result<std::uint32_t> u32_field(const nlohmann::json& port, const char* field) {
    if (!port.contains(field) || !port[field].is_number_unsigned() ||
        port[field].get<std::uint64_t>() > std::numeric_limits<std::uint32_t>::max()) {
        return fail(Errc::invalid_argument, std::string(field) + " must be an unsigned integer", field);
    }
    return static_cast<std::uint32_t>(port[field].get<std::uint64_t>());
}

} // namespace

Result<Port> parse_port(const nlohmann::json& port, const Uid& peer) {
    if (!port.is_object()) {
        return fail(Errc::invalid_argument, "a port must be an object");
    }
    auto uid_text = text_field(port, "port_uid");
    if (!uid_text) {
        return tl::unexpected(uid_text.error());
    }
    auto uid = Uid::parse(*uid_text);
    if (!uid) {
        return fail(Errc::invalid_argument, "port_uid is not a uid", "port_uid");
    }
    auto uri = text_field(port, "port_uri");
    if (!uri || *uri != Uri::port(PeerRef::of(peer), *uid).str()) {
        return fail(Errc::invalid_argument, "port_uri must be the port's URI under its peer", "port_uri");
    }
    Port out {*uid, peer};
    auto type = text_field(port, "port_type");
    auto direction = text_field(port, "direction");
    auto driver = text_field(port, "driver");
    auto system_name = text_field(port, "system_name");
    auto display_name = text_field(port, "display_name");
    auto state = text_field(port, "state");
    for (const auto* field : {&type, &direction, &driver, &system_name, &display_name, &state}) {
        if (!*field) {
            return tl::unexpected(field->error());
        }
    }
    auto port_type = parse_port_type(*type);
    auto port_direction = parse_port_direction(*direction);
    if (!port_type || !port_direction) {
        return tl::unexpected(!port_type ? port_type.error() : port_direction.error());
    }
    out.port_type = *port_type;
    out.direction = *port_direction;
    out.driver = *driver;
    out.system_name = *system_name;
    out.display_name = *display_name;
    if (auto valid = check_display_name(out.display_name, "display_name"); !valid) {
        return tl::unexpected(valid.error());
    }
    if (*state != "present" && *state != "absent") {
        return fail(Errc::invalid_argument, "state must be present or absent", "state");
    }
    out.present = *state == "present";
    auto channels = u32_field(port, "channels");
    auto rate = u32_field(port, "rate");
    if (!channels || !rate) {
        return tl::unexpected(!channels ? channels.error() : rate.error());
    }
    out.channels = *channels;
    out.rate = *rate;
    if (auto valid = limits::check_device_channels(out.channels); !valid) {
        return tl::unexpected(valid.error());
    }
    if (auto valid = limits::check_rate(out.rate); !valid) {
        return tl::unexpected(valid.error());
    }
    if (!port.contains("volume") || !port["volume"].is_number() || !port.contains("mute") ||
        !port["mute"].is_boolean()) {
        return fail(Errc::invalid_argument, "volume must be a number and mute a boolean", "volume");
    }
    out.volume = port["volume"].get<double>();
    out.mute = port["mute"].get<bool>();
    if (auto valid = limits::check_volume(out.volume); !valid) {
        return tl::unexpected(valid.error());
    }
    return out;
}

} // namespace rocd::api
