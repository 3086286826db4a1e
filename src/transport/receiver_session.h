// The pipeline of one remote sender inside a receiver.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "transport/audio/channel_mapper.h"
#include "transport/audio/depacketizer.h"
#include "transport/audio/freq_estimator.h"
#include "transport/audio/latency_monitor.h"
#include "transport/audio/resampler.h"
#include "transport/fec/block_reader.h"
#include "transport/packet/jitter_buffer.h"
#include "transport/receiver_config.h"
#include "transport/rtp/encoding.h"

namespace rocd::transport {

/// Per-session counters (audio thread; the pipeline publishes them).
struct SessionStats {
    std::uint64_t packets_received = 0;
    std::uint64_t packets_duplicate = 0;
    std::uint64_t packets_late = 0;
    /// Refused by the RTP filter (payload type change, seq or ts jump).
    std::uint64_t packets_rejected = 0;
    std::uint64_t packets_overflow = 0;
    /// Lost source packets restored by FEC and queued in time.
    std::uint64_t packets_recovered = 0;
    std::uint64_t repair_received = 0;
    /// FEC packets the block reader could not use.
    std::uint64_t fec_dropped = 0;
};

/// jitter buffer → depacketizer → channel mapper → latency monitor →
/// resampler, plus start-up delay, the RTP filter and the watchdog; with a
/// FEC source endpoint, a FEC block reader in front of the jitter buffer.
/// Storage is allocated once; start() reuses it for a new sender.
class ReceiverSession {
public:
    enum class State { idle, buffering, playing };

    explicit ReceiverSession(const ReceiverConfig& config);

    /// Binds the session to the sender of `first` (which must be audio).
    void start(const Packet& first, const rtp::Encoding& encoding);
    void stop() { state_ = State::idle; }

    bool active() const { return state_ != State::idle; }
    State state() const { return state_; }
    /// Enough packets in a row from this sender to take it for a real one:
    /// only then is it heard, and only then does it keep its slot against
    /// a new sender.
    bool confirmed() const { return active() && stats_.packets_received >= confirm_packets; }
    static constexpr std::uint64_t confirm_packets = 4;
    bool matches(const Packet& p) const { return active() && p.rtp.ssrc == ssrc_ && p.address == address_; }

    /// Same sender address:port: how repair packets (no SSRC) are routed.
    bool matches_address(const Packet& p) const { return active() && p.address == address_; }

    /// Queues a packet of this sender (filter, then jitter buffer; its FEC
    /// symbol also goes to the block reader).
    void write(const Packet& packet);
    /// A FEC repair packet from this sender's address.
    void write_repair(const Packet& packet);

    /// Produces `frames` frames at the local rate/channels (silence while
    /// buffering). The session may end itself here (watchdog, bounds).
    void read(float* out, std::size_t frames);

    std::uint32_t ssrc() const { return ssrc_; }
    /// Extended highest sequence number received and the first one (RFC 3550 A.3).
    std::uint32_t ext_highest_seq() const { return ext_highest_seq_; }
    std::uint32_t ext_first_seq() const { return ext_first_seq_; }
    /// Latest queue latency.
    core::Duration latency() const;
    /// RFC 3550 interarrival jitter estimate.
    core::Duration jitter() const { return core::Duration(static_cast<std::int64_t>(jitter_ns_)); }
    double scaling() const { return resampler_ ? resampler_->scaling() : 1.0; }
    const SessionStats& stats() const { return stats_; }
    const audio::DepacketizerStats& depacketizer_stats() const { return depacketizer_.stats(); }
    /// Why the last session on this slot ended ("" while active).
    const char* end_reason() const { return end_reason_; }
    /// Whether the last session on this slot ended because its sender sent
    /// audio faster than real time (a flood, not a sender).
    bool ended_too_fast() const { return !active() && too_fast_; }

    /// Measured by arrival time: a sender's packets may carry audio ahead of
    /// real time by a burst (what the network held back, then delivered at
    /// once: 500 ms plus the no-playback timeout, past which the session
    /// ends anyway) and beyond that by no more than `pace_factor` times
    /// real time (duplicated packets stay well within it).
    static constexpr std::uint32_t pace_factor = 3;

private:
    // Restored packets go back into the session's queue.
    struct RestoredSink final : IPacketWriter {
        explicit RestoredSink(ReceiverSession& s) : session(s) {}
        void write(Packet& p) override { session.insert(p); }
        ReceiverSession& session;
    };

    bool filter(const Packet& p);
    bool insert(const Packet& p);
    void sync_fec_stats();
    void try_start_playing();
    void end(const char* reason);

    ReceiverConfig config_;
    State state_ = State::idle;
    std::uint32_t ssrc_ = 0;
    address::SocketAddress address_;
    rtp::Encoding encoding_;

    JitterBuffer queue_;
    audio::Depacketizer depacketizer_;
    audio::ChannelMapperReader mapper_;
    audio::FreqEstimator estimator_;
    std::unique_ptr<audio::Resampler> resampler_;
    audio::LatencyMonitor monitor_;
    std::unique_ptr<audio::ResamplerReader> resampler_reader_;
    audio::IFrameReader* output_;

    std::uint32_t ext_highest_seq_ = 0;
    std::uint32_t ext_first_seq_ = 0;
    bool have_prev_ = false;
    std::uint16_t prev_seq_ = 0;
    std::uint32_t prev_ts_ = 0;
    std::int64_t prev_arrival_ns_ = 0;
    double jitter_ns_ = 0;

    std::size_t target_samples_ = 0;    // at the encoding rate
    std::size_t tolerance_samples_ = 0; // at the encoding rate
    std::size_t timeout_frames_ = 0;    // at the local rate
    std::size_t warmup_frames_ = 0;     // at the local rate
    std::size_t frames_since_packet_ = 0;
    std::size_t frames_silent_ = 0;
    std::size_t frames_played_ = 0;

    RestoredSink restored_sink_ {*this};
    std::unique_ptr<fec::BlockReader> fec_;
    std::uint64_t fec_dropped_seen_ = 0;

    /// Stream time (at the packet rate) the sender may still send ahead:
    /// refilled as time passes between arrivals, spent by each packet's
    /// duration. Packets with no arrival time (tests, tools) are not paced.
    double pace_burst_ = 0;
    double pace_credit_ = 0;
    std::int64_t pace_arrival_ns_ = 0;
    bool too_fast_ = false;
    bool pace(const Packet& p);

    SessionStats stats_;
    const char* end_reason_ = "";
};

} // namespace rocd::transport
