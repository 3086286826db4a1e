// The receiver's side of RTCP (WIRE.md §6): the control socket takes the
// sender's SR/SDES and, every 200 ms, answers to the source address of the
// sender's RTCP with RR + XR (RRTR, Measurement Info, Delay Metrics, Queue
// Metrics) + SDES, computing loss and jitter properly.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/error.h"
#include "transport/address/socket_address.h"
#include "transport/net/bound_socket.h"
#include "transport/net/network_loop.h"
#include "transport/rtcp/hooks.h"

namespace rocd::transport::rtcp {

/// A bound control socket on the network loop. Reads the receiving side
/// through its hook (thread-safe); traffic() from any thread.
class ReceiverReporter final : public net::IPort {
public:
    ReceiverReporter(net::BoundSocket socket, const IReceptionHook& reception);

    int fd() const override { return socket_.fd(); }
    void on_readable() override;
    void on_tick() override;

    Traffic traffic() const;
    const address::SocketAddress& local_address() const { return socket_.local_address(); }
    /// Gives up the socket to the next reporter; only once the loop no
    /// longer reads it.
    net::BoundSocket take_socket() { return std::move(socket_); }

private:
    void handle(std::span<const std::uint8_t> data, const address::SocketAddress& from);
    void send_report(std::int64_t now_ns);

    net::BoundSocket socket_;
    const IReceptionHook& reception_;
    std::string cname_;
    std::uint32_t ssrc_;
    std::int64_t next_report_ns_ = 0;
    // Network thread only.
    bool have_sender_ = false;
    address::SocketAddress sender_;
    std::uint32_t sender_ssrc_ = 0;
    std::uint32_t lsr_ = 0;
    std::int64_t sr_at_ns_ = 0;
    std::uint32_t rtt_q16_ = 0xFFFFFFFF;
    std::uint64_t prev_expected_ = 0, prev_arrived_ = 0;

    struct Counters {
        std::atomic<std::uint64_t> received {0}, malformed {0}, sent {0};
    } counters_;
};

} // namespace rocd::transport::rtcp
