#include "api/routes/ports.h"

#include <cstdint>
#include <limits>

#include "api/http/json_body.h"
#include "api/http/problem.h"
#include "api/routes/peers.h"

namespace rocd::api {

namespace {

Result<Uid> port_param(const RequestContext& context) {
    auto uid = Uid::parse(context.params.at("port"));
    if (!uid) {
        return fail(Errc::invalid_argument, "port must be a port uid: " + uid.error().message, "port");
    }
    return *uid;
}

/// The peer of the path, resolved. Only this daemon's ports are known until
/// peers talk to each other: `local` is false for another known peer.
struct PeerTarget {
    Uid uid;
    bool local = false;
};

Result<PeerTarget> peer_target(const RequestContext& context, peers::PeerService& peers,
                               const ports::PortService& ports) {
    auto ref = peer_param(context);
    if (!ref) {
        return tl::unexpected(ref.error());
    }
    auto peer = peers.get(*ref);
    if (!peer) {
        return tl::unexpected(peer.error());
    }
    return PeerTarget {peer->uid, peer->uid == ports.self_uid()};
}

Error remote_peer_error() {
    return Error {Errc::unsupported, "ports of other peers cannot be changed from here yet", "peer"};
}

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

Result<ports::PortService::VirtualSpec> parse_virtual_spec(const nlohmann::json& body) {
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
    auto parsed = store::parse_port_direction(direction.get<std::string>());
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

Result<ports::PortService::Update> parse_update(const nlohmann::json& body) {
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

} // namespace

nlohmann::json port_json(const ports::Port& port) {
    return {
        {"port_uri", Uri::port(PeerRef::of(port.peer_uid), port.uid).str()},
        {"port_uid", port.uid.str()},
        {"port_type", std::string(store::to_string(port.port_type))},
        {"direction", std::string(store::to_string(port.direction))},
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

void add_port_routes(Router& router, peers::PeerService& peers, ports::PortService& ports) {
    router.add(http::verb::get, "/peers/{peer}/ports", [&peers, &ports](const RequestContext& context) {
        auto peer = peer_target(context, peers, ports);
        if (!peer) {
            return problem(peer.error());
        }
        nlohmann::json out = nlohmann::json::array();
        if (peer->local) {
            for (const auto& port : ports.list()) {
                out.push_back(port_json(port));
            }
        }
        return json_response(out);
    });

    router.add(http::verb::post, "/peers/{peer}/ports", [&peers, &ports](const RequestContext& context) {
        auto peer = peer_target(context, peers, ports);
        if (!peer) {
            return problem(peer.error());
        }
        auto body = parse_json_object(context.request);
        if (!body) {
            return std::move(body.error());
        }
        auto spec = parse_virtual_spec(*body);
        if (!spec) {
            return problem(spec.error());
        }
        if (!peer->local) {
            return problem(remote_peer_error());
        }
        auto port = ports.create_virtual(*spec);
        if (!port) {
            return problem(port.error());
        }
        auto response = json_response(port_json(*port), http::status::created);
        response.set(http::field::location, Uri::port(PeerRef::of(port->peer_uid), port->uid).str());
        return response;
    });

    router.add(http::verb::get, "/peers/{peer}/ports/{port}",
               [&peers, &ports](const RequestContext& context) {
                   auto peer = peer_target(context, peers, ports);
                   if (!peer) {
                       return problem(peer.error());
                   }
                   auto uid = port_param(context);
                   if (!uid) {
                       return problem(uid.error());
                   }
                   if (!peer->local) {
                       return problem(Error {Errc::not_found, "no port " + uid->str(), {}});
                   }
                   auto port = ports.get(*uid);
                   return port ? json_response(port_json(*port)) : problem(port.error());
               });

    router.add(http::verb::patch, "/peers/{peer}/ports/{port}",
               [&peers, &ports](const RequestContext& context) {
                   auto peer = peer_target(context, peers, ports);
                   if (!peer) {
                       return problem(peer.error());
                   }
                   auto uid = port_param(context);
                   if (!uid) {
                       return problem(uid.error());
                   }
                   auto body = parse_json_object(context.request);
                   if (!body) {
                       return std::move(body.error());
                   }
                   auto update = parse_update(*body);
                   if (!update) {
                       return problem(update.error());
                   }
                   if (!peer->local) {
                       return problem(remote_peer_error());
                   }
                   auto port = ports.update(*uid, *update);
                   return port ? json_response(port_json(*port)) : problem(port.error());
               });

    router.add(http::verb::delete_, "/peers/{peer}/ports/{port}",
               [&peers, &ports](const RequestContext& context) {
                   auto peer = peer_target(context, peers, ports);
                   if (!peer) {
                       return problem(peer.error());
                   }
                   auto uid = port_param(context);
                   if (!uid) {
                       return problem(uid.error());
                   }
                   if (!peer->local) {
                       return problem(remote_peer_error());
                   }
                   if (auto removed = ports.remove(*uid); !removed) {
                       return problem(removed.error());
                   }
                   Response response {http::status::no_content, 11};
                   return response;
               });
}

} // namespace rocd::api
