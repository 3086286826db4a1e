#include "api/routes/collections.h"

#include "api/http/json_body.h"
#include "api/http/problem.h"
#include "api/routes/peers.h"

namespace rocd::api {

namespace {

const char* port_type_name(store::PortType type) {
    return type == store::PortType::system_device ? "system_device" : "virtual_device";
}

const char* direction_name(store::PortDirection direction) {
    switch (direction) {
    case store::PortDirection::output:
        return "output";
    case store::PortDirection::input:
        return "input";
    case store::PortDirection::duplex:
        break;
    }
    return "duplex";
}

nlohmann::json port_json(const store::PortRecord& port) {
    return {
        {"port_uri", Uri::port(PeerRef::of(port.peer_uid), port.uid).str()},
        {"port_uid", port.uid.str()},
        {"port_type", port_type_name(port.port_type)},
        {"direction", direction_name(port.direction)},
        {"driver", port.driver},
        {"system_name", port.system_name},
        {"display_name", port.display_name},
        {"channels", port.channels},
        {"rate", port.rate},
        {"volume", port.volume},
        {"mute", port.mute},
        // Without a port service nothing has seen the device: a stored port
        // is only known to have existed.
        {"state", "absent"},
    };
}

} // namespace

void add_collection_routes(Router& router, peers::PeerService& peers, store::Store& store) {
    router.add(http::verb::get, "/peers/{peer}/ports", [&peers, &store](const RequestContext& context) {
        auto ref = peer_param(context);
        if (!ref) {
            return problem(ref.error());
        }
        auto peer = peers.get(*ref);
        if (!peer) {
            return problem(peer.error());
        }
        auto ports = store.ports().list_by_peer(peer->uid);
        if (!ports) {
            return problem(ports.error());
        }
        nlohmann::json out = nlohmann::json::array();
        for (const auto& port : *ports) {
            out.push_back(port_json(port));
        }
        return json_response(out);
    });
}

} // namespace rocd::api
