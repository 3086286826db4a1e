// The port requests of the peer protocol (docs/p2p.md §13): another peer's
// port_update, port_create_virtual and port_delete, run as this daemon's
// own REST API runs PATCH, POST and DELETE of /peers/self/ports (the same
// parsers, service and errors), and answered with the port or the problem.
#pragma once

#include <functional>
#include <string_view>

#include "p2p/message.h"
#include "ports/port_service.h"

namespace rocd::api {

/// Whether `type` is one of the requests served here.
bool is_port_request(std::string_view type);

/// Runs `request` (of a trusted peer) and answers it through `reply`,
/// exactly once, possibly after the audio server answered.
void serve_port_request(ports::PortService& ports, const p2p::Message& request,
                        std::function<void(p2p::Message)> reply);

} // namespace rocd::api
