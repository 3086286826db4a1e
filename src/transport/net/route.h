// Which local address this host would send from to reach another host.
#pragma once

#include <string>

#include "core/error.h"
#include "transport/address/socket_address.h"

namespace rocd::transport::net {

/// The local address (port 0) the kernel picks to reach `host`, a numeric
/// address: a UDP socket connect()ed to it says (nothing is sent). A peer
/// that receives a stream binds there, so that the sender reaches it the way
/// it reaches the peer.
Result<address::SocketAddress> local_address_toward(const std::string& host);

} // namespace rocd::transport::net
