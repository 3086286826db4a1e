// A peer's JSON, for REST, events and (next) the peer protocol.
#pragma once

#include <nlohmann/json.hpp>

#include "core/peer.h"

namespace rocd::api {

nlohmann::json peer_json(const Peer& peer);

} // namespace rocd::api
