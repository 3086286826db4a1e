// A port's JSON and the JSON bodies that create and change ports.
#pragma once

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/port.h"
#include "ports/port_service.h"

namespace rocd::api {

/// A port as the API shows it (also the data of port events).
nlohmann::json port_json(const Port& port);

/// A port another peer sent as its port_json (docs/p2p.md §12.3), checked
/// as this daemon's own input: `port_uri` under `peer`, the limits and
/// display-name rules of docs/ports.md. Unknown fields are ignored (a
/// newer peer may send more).
Result<Port> parse_port(const nlohmann::json& port, const Uid& peer);

/// POST /peers/{peer}/ports: a virtual device. Strict; errors name the
/// field. Range checks are the service's.
Result<ports::PortService::VirtualSpec> parse_virtual_port(const nlohmann::json& body);

/// PATCH /peers/{peer}/ports/{port}: display_name, volume, mute.
Result<ports::PortService::Update> parse_port_patch(const nlohmann::json& body);

/// "port_added", "port_updated", "port_removed".
const char* port_event_type(ports::PortService::Change change);

} // namespace rocd::api
