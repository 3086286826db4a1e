// The audio side of a receiver: packets in, mixed frames out.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "transport/metrics.h"
#include "transport/packet/packet_io.h"
#include "transport/receiver_config.h"
#include "transport/receiver_session.h"
#include "transport/rtcp/hooks.h"

namespace rocd::transport {

/// Routes packets from `source` to one session per sender (address +
/// SSRC; a new SSRC is a new session; FEC repair packets by address only),
/// plays every session and mixes them.
/// read() runs on the playback thread and neither locks nor allocates;
/// metrics() may be called from any thread.
class ReceiverPipeline final : public rtcp::IReceptionHook {
public:
    ReceiverPipeline(const ReceiverConfig& config, IPacketReader& source);

    /// Pulls `frames` interleaved frames at config.rate/channels.
    void read(float* out, std::size_t frames);

    /// Snapshot of the counters (network counters are added by Receiver).
    ReceiverMetrics metrics() const;
    /// For the RTCP receiver reports.
    rtcp::ReceptionState reception_state() const override;
    /// Active sessions now.
    std::uint32_t session_count() const { return sessions_now_.load(std::memory_order_relaxed); }

private:
    void route(const Packet& p);
    void publish();

    ReceiverConfig config_;
    IPacketReader& source_;
    std::vector<std::unique_ptr<ReceiverSession>> sessions_;
    std::vector<float> mix_;
    Packet scratch_;

    // Totals of sessions that ended (audio thread only).
    SessionStats ended_stats_;
    audio::DepacketizerStats ended_depack_;
    std::uint64_t unroutable_ = 0, started_ = 0, ended_ = 0, frames_read_ = 0;

    struct Published {
        std::atomic<std::uint64_t> packets_unroutable {0}, packets_received {0}, packets_lost {0},
            packets_late {0}, packets_duplicate {0}, packets_rejected {0}, packets_overflow {0},
            packets_recovered {0}, repair_received {0}, fec_dropped {0}, frames_read {0}, frames_missing {0},
            sessions_started {0}, sessions_ended {0};
        std::atomic<std::int64_t> latency_ns {0}, jitter_ns {0};
        std::atomic<std::uint32_t> ssrc {0}, ext_first_seq {0}, ext_highest_seq {0};
        std::atomic<std::uint64_t> first_arrived {0};
        std::atomic<double> scaling {1.0};
    } pub_;
    std::atomic<std::uint32_t> sessions_now_ {0};
};

} // namespace rocd::transport
