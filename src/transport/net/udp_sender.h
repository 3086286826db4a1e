// Sends packets from one UDP socket; the audio thread only queues them.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>

#include <boost/lockfree/spsc_queue.hpp>

#include "core/error.h"
#include "transport/address/socket_address.h"
#include "transport/net/network_loop.h"
#include "transport/packet/packet_io.h"

namespace rocd::transport::net {

/// Control traffic on a sender's socket (RTCP), on the network thread.
class IControlHandler {
public:
    virtual ~IControlHandler() = default;
    /// A datagram arrived on the socket.
    virtual void on_datagram(std::span<const std::uint8_t> data, const address::SocketAddress& from) = 0;
    /// Every loop tick; may call UdpSender::send_now().
    virtual void on_tick() = 0;
};

/// Counters, readable from any thread.
struct UdpSenderMetrics {
    std::atomic<std::uint64_t> packets_sent {0};
    std::atomic<std::uint64_t> bytes_sent {0};
    /// The network thread fell behind and the queue was full.
    std::atomic<std::uint64_t> packets_dropped {0};
    std::atomic<std::uint64_t> send_errors {0};
};

/// One socket bound to an ephemeral port, from which all of a sender's
/// flows leave (as roc-send does, WIRE.md §1). write() is the audio
/// side (one producer thread): lock-free, no syscall; the network loop
/// sends every tick to each packet's `address`.
class UdpSender final : public IPort, public IPacketWriter {
public:
    /// family: AF_INET or AF_INET6 (that of the destinations).
    static Result<std::unique_ptr<UdpSender>> open(int family, std::size_t queue_packets = 64);
    ~UdpSender() override;

    void write(Packet& packet) override;

    int fd() const override { return fd_; }
    void on_readable() override;
    void on_tick() override;

    const UdpSenderMetrics& metrics() const { return metrics_; }

    /// Set before the port is added to the loop.
    void set_control_handler(IControlHandler* h) { control_ = h; }
    /// Sends at once (network thread only: control traffic).
    bool send_now(std::span<const std::uint8_t> data, const address::SocketAddress& to);

private:
    explicit UdpSender(std::size_t queue_packets) : queue_(queue_packets) {}

    // Packets leave in batches (one sendmmsg per tick and socket).
    static constexpr std::size_t Batch = 16;
    std::array<Packet, Batch> batch_;
    int fd_ = -1;
    boost::lockfree::spsc_queue<Packet> queue_;
    UdpSenderMetrics metrics_;
    IControlHandler* control_ = nullptr;
};

} // namespace rocd::transport::net
