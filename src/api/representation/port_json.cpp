#include "api/representation/port_json.h"

#include <cstdint>
#include <limits>

#include "api/representation/json_object.h"
#include "core/uri.h"
#include "events/event.h"

namespace rocd::api {

namespace {

/// An unsigned integer field, clamped into uint32 so that the service's
/// range check words the error.
Result<std::uint32_t> uint_field(const nlohmann::json& value, const char* field) {
    if (!value.is_number_integer()) {
        return fail(Errc::invalid_argument, std::string(field) + " must be an integer", field);
    }
    if (value.is_number_unsigned()) {
        const auto v = value.get<std::uint64_t>();
        return static_cast<std::uint32_t>(
            std::min<std::uint64_t>(v, std::numeric_limits<std::uint32_t>::max()));
    }
    const auto v = value.get<std::int64_t>();
    return v < 0 ? 0u
                 : static_cast<std::uint32_t>(
                       std::min<std::int64_t>(v, std::numeric_limits<std::uint32_t>::max()));
}

} // namespace

nlohmann::json port_json(const Port& port) {
    return {
        {"port_uri", Uri::port(PeerRef::of(port.peer_uid), port.uid).str()},
        {"port_uid", port.uid.str()},
        {"port_type", std::string(to_string(port.port_type))},
        {"direction", std::string(to_string(port.direction))},
        {"driver", port.driver},
        {"system_name", port.system_name},
        {"display_name", port.display_name},
        {"channels", port.channels},
        {"rate", port.rate},
        {"volume", port.volume},
        {"mute", port.mute},
        {"state", port.present ? "present" : "absent"},
    };
}

Result<ports::PortService::VirtualSpec> parse_virtual_port(const nlohmann::json& body) {
    if (auto fields = check_fields(body, {"port_type", "direction", "display_name", "channels", "rate"});
        !fields) {
        return tl::unexpected(fields.error());
    }
    ports::PortService::VirtualSpec spec;
    if (body.contains("port_type")) {
        const auto& type = body["port_type"];
        if (!type.is_string() || type.get<std::string>() != "virtual_device") {
            return fail(Errc::invalid_argument,
                        "port_type must be \"virtual_device\": system devices come from the driver",
                        "port_type");
        }
    }
    if (!body.contains("direction")) {
        return fail(Errc::invalid_argument,
                    "direction is required: \"output\" (virtual speaker) or \"input\" (virtual microphone)",
                    "direction");
    }
    const auto& direction = body["direction"];
    if (!direction.is_string()) {
        return fail(Errc::invalid_argument, "direction must be \"output\" or \"input\"", "direction");
    }
    auto parsed = parse_port_direction(direction.get<std::string>());
    if (!parsed) {
        return fail(Errc::invalid_argument, "direction must be \"output\" or \"input\"", "direction");
    }
    spec.direction = *parsed;
    if (body.contains("display_name")) {
        const auto& name = body["display_name"];
        if (!name.is_string()) {
            return fail(Errc::invalid_argument, "display_name must be a string", "display_name");
        }
        spec.display_name = name.get<std::string>();
        if (spec.display_name.empty()) {
            return fail(Errc::invalid_argument, "display_name must not be empty", "display_name");
        }
    }
    if (body.contains("channels")) {
        auto channels = uint_field(body["channels"], "channels");
        if (!channels) {
            return tl::unexpected(channels.error());
        }
        spec.channels = *channels;
    }
    if (body.contains("rate")) {
        auto rate = uint_field(body["rate"], "rate");
        if (!rate) {
            return tl::unexpected(rate.error());
        }
        spec.rate = *rate;
    }
    return spec;
}

Result<ports::PortService::Update> parse_port_patch(const nlohmann::json& body) {
    if (auto fields = check_fields(body, {"display_name", "volume", "mute"}); !fields) {
        return tl::unexpected(fields.error());
    }
    ports::PortService::Update update;
    if (body.contains("display_name")) {
        const auto& name = body["display_name"];
        if (!name.is_string()) {
            return fail(Errc::invalid_argument, "display_name must be a string", "display_name");
        }
        update.display_name = name.get<std::string>();
    }
    if (body.contains("volume")) {
        const auto& volume = body["volume"];
        if (!volume.is_number()) {
            return fail(Errc::invalid_argument, "volume must be a number from 0 to 4", "volume");
        }
        update.volume = volume.get<double>();
    }
    if (body.contains("mute")) {
        const auto& mute = body["mute"];
        if (!mute.is_boolean()) {
            return fail(Errc::invalid_argument, "mute must be true or false", "mute");
        }
        update.mute = mute.get<bool>();
    }
    return update;
}

const char* port_event_type(ports::PortService::Change change) {
    switch (change) {
    case ports::PortService::Change::added:
        return events::type::port_added;
    case ports::PortService::Change::updated:
        return events::type::port_updated;
    case ports::PortService::Change::removed:
        break;
    }
    return events::type::port_removed;
}

} // namespace rocd::api
