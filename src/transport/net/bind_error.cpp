#include "transport/net/bind_error.h"

#include <cerrno>
#include <cstring>

namespace rocd::transport::net {

Error bind_error(const address::SocketAddress& address, int err, std::string field) {
    const std::string what = "cannot bind " + address.str() + ": " + std::strerror(err);
    switch (err) {
    case EADDRINUSE:
        return Error {Errc::conflict, what + " (another stream or process holds it)", std::move(field)};
    case EADDRNOTAVAIL:
        return Error {Errc::invalid_argument, what + " (not an address of this host)", std::move(field)};
    default:
        return Error {Errc::unavailable, what, std::move(field)};
    }
}

} // namespace rocd::transport::net
