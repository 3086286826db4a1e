// The audio side of a receiver: packets in, mixed frames out.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "transport/metrics.h"
#include "transport/packet/packet_io.h"
#include "transport/receiver_config.h"
#include "transport/receiver_session.h"
#include "transport/rtcp/hooks.h"

namespace rocd::transport {

/// Routes packets from `source` to one session per sender (address +
/// SSRC; a new SSRC is a new session; FEC repair packets by address only),
/// plays every session and mixes the confirmed ones.
///
/// Slots are kept for senders that look real: RTP carries no
/// authentication, so anyone on the path can send valid packets with new
/// SSRCs. A new sender gets a session only from its second packet in
/// sequence (its first waits in a fixed table of candidates), so single
/// packets of random SSRCs never take a slot. It takes a free slot, else
/// that of the unconfirmed session with the fewest packets (the oldest of
/// those); a confirmed session is never displaced, and is the only kind
/// heard. One source address starts at most one session per
/// `session_start_interval_ms`. A session whose sender sends audio faster
/// than real time ends, and its address is ignored for as long as it keeps
/// sending (until `barred_quiet_ms` without a packet from it).
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

    /// How often one source address may start a new session.
    static constexpr std::size_t session_start_interval_ms = 500;
    /// How long a barred address must stay quiet to be heard again.
    static constexpr std::size_t barred_quiet_ms = 2000;

private:
    void route(const Packet& p);
    /// Whether `address` may start a session now (and notes that it does).
    bool admit(const address::SocketAddress& address);
    /// Whether packets from `address` are ignored now (and, if so, extends
    /// the bar: it holds while the address keeps sending).
    bool barred(const address::SocketAddress& address);
    /// The table entry of `address`, or the one to reuse for it.
    struct RecentStart;
    RecentStart& recent_entry(const address::SocketAddress& address);
    /// Bars the entry's address from now until it has been quiet for
    /// `barred_quiet_ms`.
    void bar(RecentStart& entry);
    /// Whether `p` follows an earlier packet of its (address, SSRC) in
    /// sequence; otherwise it is remembered as a candidate. When it does,
    /// `first` is the candidate's first packet if still held, else null.
    bool second_in_sequence(const Packet& p, const Packet*& first);
    /// The index of a free slot, or of the evicted unconfirmed session's.
    std::optional<std::size_t> slot_for_new_session();
    void publish();

    ReceiverConfig config_;
    IPacketReader& source_;
    std::vector<std::unique_ptr<ReceiverSession>> sessions_;
    std::vector<float> mix_;
    Packet scratch_;

    // Totals of sessions that ended (audio thread only).
    SessionStats ended_stats_;
    audio::DepacketizerStats ended_depack_;
    std::uint64_t unroutable_ = 0, started_ = 0, ended_ = 0, frames_read_ = 0, refused_ = 0, evicted_ = 0,
                  too_fast_ = 0;
    /// When each slot's session started (frames_read_), to evict the oldest.
    std::vector<std::uint64_t> started_at_;
    /// The source addresses that started a session lately or are barred,
    /// a fixed table (no allocation on the audio thread): the entry seen
    /// longest ago is reused.
    struct RecentStart {
        address::SocketAddress address;
        std::uint64_t at = 0;           // frames_read_ at its last session start or barred packet
        std::uint64_t barred_until = 0; // frames_read_
        bool used = false;
    };
    std::array<RecentStart, 32> recent_ {};
    /// No address is barred once frames_read_ reaches it (the common case
    /// skips the table).
    std::uint64_t bars_end_ = 0;
    struct Candidate {
        address::SocketAddress address;
        std::uint32_t ssrc = 0;
        std::uint16_t seqnum = 0;
        bool used = false;
        /// Its first packet, if still in held_ (the session then starts
        /// with it, so that a sender loses nothing when there is no flood).
        std::uint64_t id = 0;
        std::size_t held = 0;
    };
    /// Replaced in turn: at 10,000 fake packets per second an entry lives
    /// 25 ms, longer than a real sender's packet interval.
    std::array<Candidate, 256> candidates_ {};
    std::size_t next_candidate_ = 0;
    std::uint64_t candidate_ids_ = 0;
    /// The first packets of the latest candidates, reused in turn.
    std::array<Packet, 8> held_ {};
    std::array<std::uint64_t, 8> held_by_ {};
    std::size_t next_held_ = 0;

    struct Published {
        std::atomic<std::uint64_t> packets_unroutable {0}, packets_received {0}, packets_lost {0},
            packets_late {0}, packets_duplicate {0}, packets_rejected {0}, packets_overflow {0},
            packets_recovered {0}, repair_received {0}, fec_dropped {0}, frames_read {0}, frames_missing {0},
            sessions_started {0}, sessions_ended {0}, sessions_refused {0}, sessions_evicted {0},
            sessions_too_fast {0};
        std::atomic<std::int64_t> latency_ns {0}, jitter_ns {0};
        std::atomic<std::uint32_t> ssrc {0}, ext_first_seq {0}, ext_highest_seq {0};
        std::atomic<std::uint64_t> first_arrived {0};
        std::atomic<double> scaling {1.0};
    } pub_;
    std::atomic<std::uint32_t> sessions_now_ {0};
};

} // namespace rocd::transport
