// /peers routes: list, read, rename and revoke peers, and pair with them.
#pragma once

#include "api/http/router.h"
#include "peers/pairings.h"
#include "peers/peer_service.h"

namespace rocd::api {

/// `pairings` is nullptr when the peer protocol is off (its routes then
/// answer 422).
void add_peer_routes(Router& router, peers::PeerService& peers, peers::Pairings* pairings);

/// The `{peer}` path parameter as a PeerRef (`self` or a uid).
Result<PeerRef> peer_param(const RequestContext& context);

} // namespace rocd::api
