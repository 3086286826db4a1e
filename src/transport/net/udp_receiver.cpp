#include "transport/net/udp_receiver.h"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

#include "transport/net/bind_error.h"

namespace rocd::transport::net {

Result<std::unique_ptr<UdpReceiver>> UdpReceiver::open(const address::SocketAddress& address,
                                                       const IPacketParser& parser, std::size_t queue_packets,
                                                       std::uint32_t max_source_rate) {
    std::unique_ptr<UdpReceiver> r(new UdpReceiver(parser, queue_packets, max_source_rate));
    r->fd_ = socket(address.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (r->fd_ < 0) {
        return fail(Errc::io, std::string("udp socket: ") + std::strerror(errno));
    }
    // No SO_REUSEADDR: two receivers silently sharing a port would split
    // its traffic (and with port 0 the kernel may even hand out a shared one).
    const int rcvbuf = 1 << 20;
    setsockopt(r->fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
    if (bind(r->fd_, address.sockaddr_ptr(), address.length()) != 0) {
        return tl::unexpected(bind_error(address, errno));
    }
    sockaddr_storage ss {};
    socklen_t len = sizeof(ss);
    getsockname(r->fd_, reinterpret_cast<sockaddr*>(&ss), &len);
    r->local_ = address::SocketAddress::from(reinterpret_cast<sockaddr*>(&ss), len);
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
    std::array<mmsghdr, Batch> msgs {};
    std::array<iovec, Batch> iovs {};
    std::array<sockaddr_storage, Batch> from {};
    for (;;) {
        for (std::size_t i = 0; i < Batch; ++i) {
            iovs[i] = iovec {batch_[i].data.data(), batch_[i].data.size()};
            msgs[i].msg_hdr = msghdr {};
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
            msgs[i].msg_hdr.msg_iov = &iovs[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        const int n = recvmmsg(fd_, msgs.data(), Batch, MSG_DONTWAIT, nullptr);
        if (n <= 0) {
            return; // EAGAIN, or an error the next wake-up will show again
        }
        const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
        metrics_.datagrams.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
        for (int i = 0; i < n; ++i) {
            const msghdr& msg = msgs[i].msg_hdr;
            if ((msg.msg_flags & MSG_TRUNC) != 0) {
                metrics_.oversized.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            Packet& p = batch_[i];
            p.reset();
            p.size = static_cast<std::uint16_t>(msgs[i].msg_len);
            p.address = address::SocketAddress::from(reinterpret_cast<sockaddr*>(&from[i]), msg.msg_namelen);
            p.receive_time_ns = now;
            if (!limit_.allow(p.address, now)) {
                metrics_.rate_limited.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            if (!parser_.parse(p)) {
                metrics_.malformed.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            if (!queue_.push(p)) {
                metrics_.overflow.fetch_add(1, std::memory_order_relaxed);
            }
        }
        if (static_cast<std::size_t>(n) < Batch) {
            return; // drained; epoll reports the next arrival
        }
    }
}

} // namespace rocd::transport::net
