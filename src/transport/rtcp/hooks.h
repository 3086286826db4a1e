// How the RTCP reporters see the audio side and how it sees them: small
// interfaces and plain snapshots, so that rtcp knows no pipeline (Roc
// Toolkit's rtcp module reaches its pipelines the same way, through
// participant interfaces the pipelines implement).
#pragma once

#include <cstdint>

#include "transport/core/duration.h"

namespace rocd::transport::rtcp {

/// What a sender's SR tells: its identity and what it has sent.
struct SendingState {
    std::uint32_t ssrc = 0;
    std::uint32_t sample_rate = 0; ///< RTP clock rate
    /// RTP timestamp just past the last packet and the Unix time (ns) it was
    /// built; 0 before any packet.
    std::uint32_t last_timestamp_end = 0;
    std::int64_t last_packet_unix_ns = 0;
    std::uint64_t packets = 0;
    std::uint64_t octets = 0; ///< payload octets
};

/// Implemented by the sending pipeline; called on the network thread.
class ISendingHook {
public:
    virtual SendingState sending_state() const = 0;

protected:
    ~ISendingHook() = default;
};

/// What a receiver's RR and XR tell about the first active session.
struct ReceptionState {
    std::uint32_t sessions = 0; ///< none: the reports carry no blocks
    std::uint32_t ssrc = 0;     ///< of the sender, 0 when unknown
    std::uint32_t ext_first_seq = 0, ext_highest_seq = 0;
    std::uint64_t packets_arrived = 0; ///< source packets that arrived (in time or late)
    core::Duration jitter {0};         ///< RFC 3550 interarrival jitter
    core::Duration latency {0};        ///< incoming queue latency now
};

/// Implemented by the receiving pipeline; called on the network thread.
class IReceptionHook {
public:
    virtual ReceptionState reception_state() const = 0;

protected:
    ~IReceptionHook() = default;
};

/// A reporter's own traffic.
struct Traffic {
    std::uint64_t received = 0;
    std::uint64_t malformed = 0; ///< unparsable or unknown RTCP, ignored
    std::uint64_t sent = 0;
};

/// What the receiver reported to a sender; durations negative when unknown.
struct ReceiverFeedback {
    bool have_report = false;
    double loss_fraction = 0; ///< over the last report interval
    std::int64_t cumulative_lost = 0;
    core::Duration jitter {0};
    core::Duration rtt {-1};
    core::Duration e2e_latency {-1};
    core::Duration niq_latency {-1}; ///< receiver's incoming queue (XR BT=220)
    core::Duration niq_stalling {-1};
};

} // namespace rocd::transport::rtcp
