#include "transport/net/udp_receiver.h"

#include <chrono>

#include <sys/socket.h>

namespace rocd::transport::net {

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
        const int n = recvmmsg(socket_.fd(), msgs.data(), Batch, MSG_DONTWAIT, nullptr);
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
