// /peers/{peer}/ports routes: list, read, create (virtual devices), change
// and delete ports.
#pragma once

#include "api/http/router.h"
#include "peers/peer_service.h"
#include "peers/port_mirror.h"
#include "peers/remote_ports.h"
#include "ports/port_service.h"

namespace rocd::api {

/// `mirror`: other peers' ports, as mirrored; `remote`: changes of other
/// peers' ports, forwarded to them (both nullptr: the peer protocol is off,
/// and other peers have no ports to show or change).
void add_port_routes(Router& router, peers::PeerService& peers, ports::PortService& ports,
                     const peers::PortMirror* mirror, peers::RemotePorts* remote);

} // namespace rocd::api
