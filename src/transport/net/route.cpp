#include "transport/net/route.h"

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

namespace rocd::transport::net {

Result<address::SocketAddress> local_address_toward(const std::string& host) {
    // Any port will do: connect() on UDP only picks the route.
    auto remote = address::SocketAddress::numeric(host, 9);
    if (!remote) {
        return tl::unexpected(remote.error());
    }
    const int fd = socket(remote->family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return fail(Errc::io, std::string("udp socket: ") + std::strerror(errno));
    }
    if (connect(fd, remote->sockaddr_ptr(), remote->length()) != 0) {
        const int err = errno;
        close(fd);
        return fail(Errc::unavailable, "no route to " + host + ": " + std::strerror(err));
    }
    sockaddr_storage ss {};
    socklen_t len = sizeof(ss);
    const int got = getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
    close(fd);
    if (got != 0) {
        return fail(Errc::io, std::string("getsockname: ") + std::strerror(errno));
    }
    auto local = address::SocketAddress::from(reinterpret_cast<sockaddr*>(&ss), len);
    return address::SocketAddress::numeric(local.host(), 0);
}

} // namespace rocd::transport::net
