// /peers routes: list, read and rename peers.
#pragma once

#include "api/http/router.h"
#include "peers/peer_service.h"

namespace rocd::api {

void add_peer_routes(Router& router, peers::PeerService& peers);

/// The `{peer}` path parameter as a PeerRef (`self` or a uid).
Result<PeerRef> peer_param(const RequestContext& context);

} // namespace rocd::api
