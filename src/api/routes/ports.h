// /peers/{peer}/ports routes: list, read, create (virtual devices), change
// and delete ports.
#pragma once

#include <nlohmann/json.hpp>

#include "api/http/router.h"
#include "peers/peer_service.h"
#include "ports/port_service.h"

namespace rocd::api {

void add_port_routes(Router& router, peers::PeerService& peers, ports::PortService& ports);

/// A port as the API shows it (also the data of port events).
nlohmann::json port_json(const ports::Port& port);

} // namespace rocd::api
