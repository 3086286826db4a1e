// /peers/{peer}/ports routes: list, read, create (virtual devices), change
// and delete ports.
#pragma once

#include "api/http/router.h"
#include "peers/peer_service.h"
#include "ports/port_service.h"

namespace rocd::api {

void add_port_routes(Router& router, peers::PeerService& peers, ports::PortService& ports);

} // namespace rocd::api
