// Counters of senders and receivers, as plain snapshots readable from any
// thread (the live values are atomics inside the pipelines).
#pragma once

#include <cstdint>

#include "transport/core/duration.h"

namespace rocd::transport {

/// A sender's counters.
struct SenderMetrics {
    std::uint64_t frames_written = 0;   ///< local frames given to write()
    std::uint64_t packets_produced = 0; ///< RTP packets built
    std::uint64_t packets_sent = 0;     ///< datagrams that left the socket
    std::uint64_t bytes_sent = 0;
    std::uint64_t packets_dropped = 0; ///< queue to the network thread was full
    std::uint64_t send_errors = 0;
    std::uint64_t repair_packets = 0; ///< FEC repair packets built
    std::uint64_t fec_blocks = 0;     ///< FEC blocks completed
    /// What the receiver reports over RTCP (with a control endpoint).
    std::uint64_t rtcp_received = 0;
    std::uint64_t rtcp_malformed = 0; ///< unparsable or unknown RTCP, ignored
    std::uint64_t rtcp_sent = 0;
    bool have_receiver_report = false;
    double loss_fraction = 0; ///< receiver-reported, over the last report interval
    std::int64_t cumulative_lost = 0;
    core::Duration jitter {0};       ///< receiver-reported interarrival jitter
    core::Duration rtt {-1};         ///< from LSR/DLSR; negative when unknown
    core::Duration e2e_latency {-1}; ///< XR Delay Metrics; negative when unknown
    core::Duration niq_latency {-1}; ///< receiver's incoming queue (XR BT=220); negative when unknown
    core::Duration niq_stalling {-1};
};

/// A receiver's counters, over all its sessions since it started.
struct ReceiverMetrics {
    std::uint64_t datagrams = 0;         ///< UDP datagrams read
    std::uint64_t packets_malformed = 0; ///< failed validation (incl. oversized)
    std::uint64_t packets_overflow = 0;  ///< dropped: a queue was full
    /// Dropped on arrival: their source address sent over max_source_rate.
    std::uint64_t packets_rate_limited = 0;
    /// Valid RTP no session took: unknown payload type, no free session, a
    /// candidate sender that sent one packet only, or a sender barred for
    /// sending faster than real time.
    std::uint64_t packets_unroutable = 0;
    std::uint64_t packets_received = 0; ///< accepted into a session's jitter buffer
    std::uint64_t packets_lost = 0;     ///< never arrived (sequence gaps at play time)
    std::uint64_t packets_late = 0;     ///< arrived after their time
    std::uint64_t packets_duplicate = 0;
    std::uint64_t packets_recovered = 0; ///< lost source packets restored by FEC in time to play
    std::uint64_t repair_received = 0;   ///< FEC repair packets routed to a session
    std::uint64_t fec_dropped = 0;      ///< FEC packets unusable (shape/size mismatch, stale block, SBN jump)
    std::uint64_t packets_rejected = 0; ///< refused by the RTP filter (PT change, seq/ts jump)
    std::uint64_t frames_read = 0;      ///< local frames produced by read()
    std::uint64_t frames_missing = 0;   ///< stream frames played as silence in active sessions
    std::uint64_t sessions_started = 0;
    std::uint64_t sessions_ended = 0;
    /// New senders turned away: no free slot, or their address started
    /// another session too recently (their packets count as unroutable).
    std::uint64_t sessions_refused = 0;
    /// Unconfirmed sessions ended to make room for a new sender.
    std::uint64_t sessions_evicted = 0;
    /// Sessions ended because their sender sent audio faster than real
    /// time; its address is then ignored while it keeps sending.
    std::uint64_t sessions_too_fast = 0;
    std::uint32_t sessions = 0; ///< active now
    /// Of the first active session (0 when none):
    core::Duration latency {0};      ///< queue latency now
    core::Duration jitter {0};       ///< RFC 3550 interarrival jitter
    double scaling = 1.0;            ///< resampler scaling (drift compensation)
    std::uint32_t ssrc = 0;          ///< sender SSRC
    std::uint32_t ext_first_seq = 0; ///< RFC 3550 extended sequence numbers
    std::uint32_t ext_highest_seq = 0;
    std::uint64_t packets_arrived = 0; ///< source packets that arrived (in time or late)
    /// RTCP (with a control endpoint).
    std::uint64_t rtcp_received = 0;
    std::uint64_t rtcp_malformed = 0; ///< unparsable or unknown RTCP, ignored
    std::uint64_t rtcp_sent = 0;
};

} // namespace rocd::transport
