#include "transport/net/udp_receiver.h"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

namespace rocd::transport::net {

Result<std::unique_ptr<UdpReceiver>>
UdpReceiver::open(const SocketAddress& address, const IPacketParser& parser, std::size_t queue_packets) {
    std::unique_ptr<UdpReceiver> r(new UdpReceiver(parser, queue_packets));
    r->fd_ = socket(address.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (r->fd_ < 0) {
        return fail(Errc::io, std::string("udp socket: ") + std::strerror(errno));
    }
    const int one = 1;
    setsockopt(r->fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    const int rcvbuf = 1 << 20;
    setsockopt(r->fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    if (bind(r->fd_, address.sockaddr_ptr(), address.length()) != 0) {
        return fail(Errc::unavailable, "cannot bind " + address.str() + ": " + std::strerror(errno));
    }
    sockaddr_storage ss {};
    socklen_t len = sizeof(ss);
    getsockname(r->fd_, reinterpret_cast<sockaddr*>(&ss), &len);
    r->local_ = SocketAddress::from(reinterpret_cast<sockaddr*>(&ss), len);
    return r;
}

UdpReceiver::~UdpReceiver() {
    if (fd_ >= 0) {
        close(fd_);
    }
}

bool UdpReceiver::read(Packet& packet) {
    return queue_.pop(packet);
}

void UdpReceiver::on_readable() {
    for (;;) {
        Packet& p = scratch_;
        sockaddr_storage from {};
        iovec iov {p.data.data(), p.data.size()};
        msghdr msg {};
        msg.msg_name = &from;
        msg.msg_namelen = sizeof(from);
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        const ssize_t n = recvmsg(fd_, &msg, MSG_DONTWAIT);
        if (n < 0) {
            return; // EAGAIN, or an error the next wake-up will show again
        }
        metrics_.datagrams.fetch_add(1, std::memory_order_relaxed);
        if ((msg.msg_flags & MSG_TRUNC) != 0) {
            metrics_.oversized.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        p.reset();
        p.size = static_cast<std::uint16_t>(n);
        p.address = SocketAddress::from(reinterpret_cast<sockaddr*>(&from), msg.msg_namelen);
        p.receive_time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
        if (!parser_.parse(p)) {
            metrics_.malformed.fetch_add(1, std::memory_order_relaxed);
            continue;
        }
        if (!queue_.push(p)) {
            metrics_.overflow.fetch_add(1, std::memory_order_relaxed);
        }
    }
}

} // namespace rocd::transport::net
