#include "transport/net/udp_sender.h"

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

namespace rocd::transport::net {

Result<std::unique_ptr<UdpSender>> UdpSender::open(int family, std::size_t queue_packets) {
    std::unique_ptr<UdpSender> s(new UdpSender(queue_packets));
    s->fd_ = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->fd_ < 0) {
        return fail(Errc::io, std::string("udp socket: ") + std::strerror(errno));
    }
    return s;
}

UdpSender::~UdpSender() {
    if (fd_ >= 0) {
        close(fd_);
    }
}

void UdpSender::write(Packet& packet) {
    if (!queue_.push(packet)) {
        metrics_.packets_dropped.fetch_add(1, std::memory_order_relaxed);
    }
}

void UdpSender::on_readable() {
    // Only RTCP comes back; without a handler it is drained and ignored.
    std::uint8_t buf[MaxPacketSize];
    for (;;) {
        sockaddr_storage from {};
        socklen_t len = sizeof(from);
        const ssize_t n =
            recvfrom(fd_, buf, sizeof(buf), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
        if (n < 0) {
            return;
        }
        if (control_ != nullptr) {
            control_->on_datagram(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)),
                                  address::SocketAddress::from(reinterpret_cast<sockaddr*>(&from), len));
        }
    }
}

bool UdpSender::send_now(std::span<const std::uint8_t> data, const address::SocketAddress& to) {
    return sendto(fd_, data.data(), data.size(), MSG_DONTWAIT, to.sockaddr_ptr(), to.length()) >= 0;
}

void UdpSender::on_tick() {
    if (control_ != nullptr) {
        control_->on_tick();
    }
    for (;;) {
        const std::size_t n = queue_.pop(batch_.data(), Batch);
        if (n == 0) {
            return;
        }
        std::array<mmsghdr, Batch> msgs {};
        std::array<iovec, Batch> iovs {};
        for (std::size_t i = 0; i < n; ++i) {
            Packet& p = batch_[i];
            iovs[i] = iovec {p.data.data(), p.size};
            msgs[i].msg_hdr.msg_name = const_cast<sockaddr*>(p.address.sockaddr_ptr());
            msgs[i].msg_hdr.msg_namelen = p.address.length();
            msgs[i].msg_hdr.msg_iov = &iovs[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        std::size_t done = 0;
        while (done < n) {
            const int rc = sendmmsg(fd_, msgs.data() + done, static_cast<unsigned>(n - done), MSG_DONTWAIT);
            if (rc <= 0) {
                // This packet cannot go (unreachable, buffer full): count it, go on.
                metrics_.send_errors.fetch_add(1, std::memory_order_relaxed);
                ++done;
                continue;
            }
            for (int i = 0; i < rc; ++i) {
                metrics_.bytes_sent.fetch_add(msgs[done + static_cast<std::size_t>(i)].msg_len,
                                              std::memory_order_relaxed);
            }
            metrics_.packets_sent.fetch_add(static_cast<std::uint64_t>(rc), std::memory_order_relaxed);
            done += static_cast<std::size_t>(rc);
        }
        if (n < Batch) {
            return;
        }
    }
}

} // namespace rocd::transport::net
