#include "transport/net/bound_socket.h"

#include <cerrno>
#include <cstring>
#include <utility>

#include <sys/socket.h>
#include <unistd.h>

#include "transport/net/bind_error.h"

namespace rocd::transport::net {

Result<BoundSocket> BoundSocket::bind(const address::SocketAddress& address) {
    BoundSocket s;
    s.fd_ = socket(address.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s.fd_ < 0) {
        return fail(Errc::io, std::string("udp socket: ") + std::strerror(errno));
    }
    // Room for a burst (a FEC block, a network hiccup) while the network
    // thread is busy elsewhere.
    const int rcvbuf = 1 << 20;
    setsockopt(s.fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    if (::bind(s.fd_, address.sockaddr_ptr(), address.length()) != 0) {
        return tl::unexpected(bind_error(address, errno));
    }
    sockaddr_storage ss {};
    socklen_t len = sizeof(ss);
    getsockname(s.fd_, reinterpret_cast<sockaddr*>(&ss), &len);
    s.local_ = address::SocketAddress::from(reinterpret_cast<sockaddr*>(&ss), len);
    return s;
}

BoundSocket::BoundSocket(BoundSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), local_(other.local_) {}

BoundSocket& BoundSocket::operator=(BoundSocket&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
        local_ = other.local_;
    }
    return *this;
}

BoundSocket::~BoundSocket() {
    if (fd_ >= 0) {
        close(fd_);
    }
}

bool BoundSocket::serves(const address::SocketAddress& wanted) const {
    return fd_ >= 0 && wanted.family() == local_.family() && wanted.host() == local_.host() &&
           (wanted.port() == 0 || wanted.port() == local_.port());
}

} // namespace rocd::transport::net
