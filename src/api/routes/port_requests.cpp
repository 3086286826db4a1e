#include "api/routes/port_requests.h"

#include "api/representation/port_json.h"
#include "api/routes/peer_replies.h"

namespace rocd::api {

namespace {

/// The fields of `body` a REST body of this operation may have: a field a
/// newer peer adds is ignored (§5.2), as the REST parsers would refuse it.
nlohmann::json known_fields(const nlohmann::json& body, std::initializer_list<const char*> names) {
    nlohmann::json out = nlohmann::json::object();
    for (const char* name : names) {
        if (auto it = body.find(name); it != body.end()) {
            out[name] = *it;
        }
    }
    return out;
}

} // namespace

bool is_port_request(std::string_view type) {
    return type == "port_update" || type == "port_create_virtual" || type == "port_delete";
}

void serve_port_request(ports::PortService& ports, const p2p::Message& request,
                        std::function<void(p2p::Message)> reply) {
    const nlohmann::json& body = request.body;
    auto answer_port = [request, reply](Result<Port> port) {
        reply(port ? p2p::reply_to(request, {{"port", port_json(*port)}})
                   : peer_error_reply(request, port.error()));
    };
    if (request.type == "port_create_virtual") {
        auto create_uid = uid_field(body, "create_uid");
        auto spec = parse_virtual_port(known_fields(body, {"direction", "display_name", "channels", "rate"}));
        if (!create_uid || !spec) {
            return reply(peer_error_reply(request, !create_uid ? create_uid.error() : spec.error()));
        }
        spec->create_uid = *create_uid;
        return ports.create_virtual(*spec, answer_port);
    }
    auto port = uid_field(body, "port_uid");
    if (!port) {
        return reply(peer_error_reply(request, port.error()));
    }
    if (request.type == "port_update") {
        auto update = parse_port_patch(known_fields(body, {"display_name", "volume", "mute"}));
        if (!update) {
            return reply(peer_error_reply(request, update.error()));
        }
        return ports.update(*port, *update, answer_port);
    }
    ports.remove(*port, [request, reply, uid = *port](Status removed) {
        reply(removed ? p2p::reply_to(request, {{"port_uid", uid.str()}})
                      : peer_error_reply(request, removed.error()));
    });
}

} // namespace rocd::api
