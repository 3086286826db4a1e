#include "api/routes/port_requests.h"

#include "api/http/problem.h"
#include "api/representation/port_json.h"

namespace rocd::api {

namespace {

p2p::ErrorCode code_of(Errc errc) {
    switch (errc) {
    case Errc::invalid_argument:
        return p2p::ErrorCode::invalid_argument;
    case Errc::not_found:
        return p2p::ErrorCode::not_found;
    case Errc::conflict:
        return p2p::ErrorCode::conflict;
    case Errc::unavailable:
    case Errc::unsupported:
        return p2p::ErrorCode::unavailable;
    case Errc::timed_out:
        return p2p::ErrorCode::timeout;
    case Errc::limit_reached:
        return p2p::ErrorCode::busy;
    case Errc::unauthorized:
    case Errc::io:
    case Errc::internal:
        break;
    }
    return p2p::ErrorCode::internal;
}

/// The error answer, with the problem this daemon's REST API would give.
p2p::Message error_of(const p2p::Message& request, const Error& error) {
    const nlohmann::json problem = problem_json(error);
    p2p::Message reply = p2p::error_reply(request, code_of(error.code), problem.value("detail", ""));
    reply.body["problem"] = problem;
    return reply;
}

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

Result<Uid> uid_field(const nlohmann::json& body, const char* name) {
    auto it = body.find(name);
    if (it == body.end() || !it->is_string()) {
        return fail(Errc::invalid_argument, std::string(name) + ": expected a uid", name);
    }
    auto uid = Uid::parse(it->get<std::string>());
    if (!uid) {
        return fail(Errc::invalid_argument, std::string(name) + ": " + uid.error().message, name);
    }
    return *uid;
}

} // namespace

bool is_port_request(std::string_view type) {
    return type == "port_update" || type == "port_create_virtual" || type == "port_delete";
}

void serve_port_request(ports::PortService& ports, const p2p::Message& request,
                        std::function<void(p2p::Message)> reply) {
    const nlohmann::json& body = request.body;
    auto answer_port = [request, reply](Result<Port> port) {
        reply(port ? p2p::reply_to(request, {{"port", port_json(*port)}}) : error_of(request, port.error()));
    };
    if (request.type == "port_create_virtual") {
        auto create_uid = uid_field(body, "create_uid");
        auto spec = parse_virtual_port(known_fields(body, {"direction", "display_name", "channels", "rate"}));
        if (!create_uid || !spec) {
            return reply(error_of(request, !create_uid ? create_uid.error() : spec.error()));
        }
        spec->create_uid = *create_uid;
        return ports.create_virtual(*spec, answer_port);
    }
    auto port = uid_field(body, "port_uid");
    if (!port) {
        return reply(error_of(request, port.error()));
    }
    if (request.type == "port_update") {
        auto update = parse_port_patch(known_fields(body, {"display_name", "volume", "mute"}));
        if (!update) {
            return reply(error_of(request, update.error()));
        }
        return ports.update(*port, *update, answer_port);
    }
    ports.remove(*port, [request, reply, uid = *port](Status removed) {
        reply(removed ? p2p::reply_to(request, {{"port_uid", uid.str()}})
                      : error_of(request, removed.error()));
    });
}

} // namespace rocd::api
