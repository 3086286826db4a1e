// The sender's side of RTCP (WIRE.md §6): SR + (XR DLRR) + SDES every
// 200 ms to the receiver's control endpoint from the sender's one socket,
// and the receiver's RR/XR turned into metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string>

#include "transport/net/udp_sender.h"
#include "transport/rtcp/hooks.h"

namespace rocd::transport::rtcp {

/// Runs on the network thread (IControlHandler of the sender's socket);
/// traffic() and feedback() from any thread.
class SenderReporter final : public net::IControlHandler {
public:
    SenderReporter(net::UdpSender& port, const address::SocketAddress& to, const ISendingHook& sending);

    void on_datagram(std::span<const std::uint8_t> data, const address::SocketAddress& from) override;
    void on_tick() override;

    Traffic traffic() const;
    /// What the receiver reported.
    ReceiverFeedback feedback() const;
    const std::string& cname() const { return cname_; }

private:
    void send_report(std::int64_t now_ns);

    net::UdpSender& port_;
    address::SocketAddress to_;
    const ISendingHook& sending_;
    std::string cname_;
    std::int64_t next_report_ns_ = 0;
    // Receiver's last RRTR (for DLRR), network thread only.
    bool have_rrtr_ = false;
    std::uint32_t rrtr_ssrc_ = 0, rrtr_mid_ = 0;
    std::int64_t rrtr_at_ns_ = 0;

    struct Reported {
        std::atomic<std::uint64_t> received {0}, malformed {0}, sent {0};
        std::atomic<bool> have_rr {false};
        std::atomic<double> loss_fraction {0};
        std::atomic<std::int64_t> cumulative_lost {0}, jitter_ns {0}, rtt_ns {-1}, e2e_ns {-1},
            niq_latency_ns {-1}, niq_stalling_ns {-1};
    } rep_;
};

} // namespace rocd::transport::rtcp
