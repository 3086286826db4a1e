// Read-only collections of ports and streams, as the store holds them.
// The port and stream services (with live device state and running
// transports) replace these when they land.
#pragma once

#include "api/http/router.h"
#include "peers/peer_service.h"
#include "store/store.h"

namespace rocd::api {

void add_collection_routes(Router& router, peers::PeerService& peers, store::Store& store);

} // namespace rocd::api
