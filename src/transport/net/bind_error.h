// Why a socket could not bind, as a typed error: the API answers "address
// taken" (409), "not an address of this host" (400) and "cannot use it
// now" (503) differently, so the kind is decided here, from errno, and not
// later from the message.
#pragma once

#include <string>

#include "core/error.h"
#include "transport/address/socket_address.h"

namespace rocd::transport::net {

/// The error for bind(2) of `address` failing with `err`, naming `field`.
Error bind_error(const address::SocketAddress& address, int err, std::string field = {});

} // namespace rocd::transport::net
