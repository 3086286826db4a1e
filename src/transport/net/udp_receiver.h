// Receives datagrams on one bound UDP socket, validates them on the network
// thread and hands good ones to the audio side through a lock-free ring.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include <boost/lockfree/spsc_queue.hpp>

#include "core/error.h"
#include "transport/address/socket_address.h"
#include "transport/net/bound_socket.h"
#include "transport/net/network_loop.h"
#include "transport/net/source_rate_limit.h"
#include "transport/packet/packet_io.h"

namespace rocd::transport::net {

/// Counters, readable from any thread.
struct UdpReceiverMetrics {
    std::atomic<std::uint64_t> datagrams {0};
    /// Rejected by the parser (truncated, inconsistent, hostile).
    std::atomic<std::uint64_t> malformed {0};
    /// Larger than MaxPacketSize.
    std::atomic<std::uint64_t> oversized {0};
    /// The audio side did not keep up and the ring was full.
    std::atomic<std::uint64_t> overflow {0};
    /// Over their source address's packet rate (SourceRateLimit).
    std::atomic<std::uint64_t> rate_limited {0};
};

/// A bound socket. The network loop reads it; read() is the audio side
/// (single consumer): lock-free, no syscall.
class UdpReceiver final : public IPort, public IPacketReader {
public:
    /// Receives on `socket`. Each source address may hand it
    /// `max_source_rate` packets per second (0: no cap).
    UdpReceiver(BoundSocket socket, const IPacketParser& parser, std::size_t queue_packets = 128,
                std::uint32_t max_source_rate = 0)
        : parser_(parser), socket_(std::move(socket)), queue_(queue_packets),
          limit_(max_source_rate, burst_for(queue_packets)) {}

    bool read(Packet& packet) override;

    int fd() const override { return socket_.fd(); }
    void on_readable() override;
    void on_tick() override {}

    const address::SocketAddress& local_address() const { return socket_.local_address(); }
    const UdpReceiverMetrics& metrics() const { return metrics_; }

    /// Gives up the socket, with the datagrams still queued in the kernel,
    /// to the next receiver; only once the loop no longer reads it.
    BoundSocket take_socket() { return std::move(socket_); }

private:
    /// A source may fill at most a quarter of the ring at once.
    static std::uint32_t burst_for(std::size_t queue_packets) {
        return static_cast<std::uint32_t>(queue_packets / 4);
    }

    const IPacketParser& parser_;
    BoundSocket socket_;
    boost::lockfree::spsc_queue<Packet> queue_;
    // Datagrams are read in batches (one recvmmsg per wake-up).
    static constexpr std::size_t Batch = 16;
    std::array<Packet, Batch> batch_;
    SourceRateLimit limit_;
    UdpReceiverMetrics metrics_;
};

} // namespace rocd::transport::net
