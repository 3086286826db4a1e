#include "transport/receiver_pipeline.h"

#include <algorithm>

namespace rocd::transport {

namespace {

constexpr std::size_t MixChunk = 256;

/// How far (in sequence numbers) a new sender's second packet may be from
/// its first: reordering and a little loss, but not random numbers.
constexpr std::uint16_t max_candidate_gap = 8;

void add_stats(SessionStats& to, const SessionStats& s) {
    to.packets_received += s.packets_received;
    to.packets_duplicate += s.packets_duplicate;
    to.packets_late += s.packets_late;
    to.packets_rejected += s.packets_rejected;
    to.packets_overflow += s.packets_overflow;
    to.packets_recovered += s.packets_recovered;
    to.repair_received += s.repair_received;
    to.fec_dropped += s.fec_dropped;
}

void add_stats(audio::DepacketizerStats& to, const audio::DepacketizerStats& s) {
    to.frames_decoded += s.frames_decoded;
    to.frames_missing += s.frames_missing;
    to.packets_lost += s.packets_lost;
    to.packets_late += s.packets_late;
}

} // namespace

ReceiverPipeline::ReceiverPipeline(const ReceiverConfig& config, IPacketReader& source)
    : config_(config), source_(source), mix_(MixChunk * config.channels) {
    for (std::size_t i = 0; i < config.max_sessions; ++i) {
        sessions_.push_back(std::make_unique<ReceiverSession>(config));
    }
    started_at_.assign(config.max_sessions, 0);
}

ReceiverPipeline::RecentStart& ReceiverPipeline::recent_entry(const address::SocketAddress& address) {
    RecentStart* oldest = &recent_[0];
    for (auto& entry : recent_) {
        if (entry.used && entry.address == address) {
            return entry;
        }
        if (!entry.used || (oldest->used && entry.at < oldest->at)) {
            oldest = &entry;
        }
    }
    *oldest = RecentStart {address, 0, 0, false};
    return *oldest;
}

bool ReceiverPipeline::admit(const address::SocketAddress& address) {
    const std::uint64_t interval = config_.rate * session_start_interval_ms / 1000;
    RecentStart& entry = recent_entry(address);
    if (entry.used && frames_read_ - entry.at < interval) {
        return false;
    }
    entry.used = true;
    entry.at = frames_read_;
    return true;
}

bool ReceiverPipeline::barred(const address::SocketAddress& address) {
    if (frames_read_ >= bars_end_) {
        return false;
    }
    for (auto& entry : recent_) {
        if (entry.used && entry.barred_until > frames_read_ && entry.address == address) {
            bar(entry);
            return true;
        }
    }
    return false;
}

void ReceiverPipeline::bar(RecentStart& entry) {
    entry.used = true;
    entry.at = frames_read_;
    entry.barred_until = frames_read_ + config_.rate * barred_quiet_ms / 1000;
    bars_end_ = std::max(bars_end_, entry.barred_until);
}

bool ReceiverPipeline::second_in_sequence(const Packet& p, const Packet*& first) {
    first = nullptr;
    for (auto& c : candidates_) {
        if (c.used && c.ssrc == p.rtp.ssrc && c.address == p.address) {
            // Close to the first, either way (the network may reorder), and
            // not a duplicate of it.
            const auto ahead = static_cast<std::uint16_t>(p.rtp.seqnum - c.seqnum);
            const auto behind = static_cast<std::uint16_t>(c.seqnum - p.rtp.seqnum);
            if (ahead == 0) {
                return false;
            }
            if (ahead <= max_candidate_gap || behind <= max_candidate_gap) {
                c.used = false;
                if (held_by_[c.held] == c.id) {
                    first = &held_[c.held];
                }
                return true;
            }
            c.seqnum = p.rtp.seqnum;
            held_[c.held] = p;
            held_by_[c.held] = c.id;
            return false;
        }
    }
    const std::uint64_t id = ++candidate_ids_;
    if (candidates_[next_candidate_].used) {
        ++unroutable_; // a candidate that never sent its second packet
    }
    candidates_[next_candidate_] = Candidate {p.address, p.rtp.ssrc, p.rtp.seqnum, true, id, next_held_};
    next_candidate_ = (next_candidate_ + 1) % candidates_.size();
    held_[next_held_] = p;
    held_by_[next_held_] = id;
    next_held_ = (next_held_ + 1) % held_.size();
    return false;
}

std::optional<std::size_t> ReceiverPipeline::slot_for_new_session() {
    std::optional<std::size_t> unconfirmed;
    std::uint64_t fewest = 0;
    for (std::size_t i = 0; i < sessions_.size(); ++i) {
        const ReceiverSession& s = *sessions_[i];
        if (!s.active()) {
            return i;
        }
        if (s.confirmed()) {
            continue;
        }
        const std::uint64_t packets = s.stats().packets_received;
        if (!unconfirmed || packets < fewest ||
            (packets == fewest && started_at_[i] < started_at_[*unconfirmed])) {
            unconfirmed = i;
            fewest = packets;
        }
    }
    if (unconfirmed) {
        sessions_[*unconfirmed]->stop();
        ++evicted_;
    }
    return unconfirmed;
}

void ReceiverPipeline::route(const Packet& p) {
    if (barred(p.address)) {
        ++unroutable_;
        return;
    }
    if (p.has(PacketFlag_Repair)) {
        // No SSRC: routed by the sender's address:port (WIRE.md §1), and a
        // repair packet never creates a session.
        for (auto& s : sessions_) {
            if (s->matches_address(p)) {
                s->write_repair(p);
                return;
            }
        }
        ++unroutable_;
        return;
    }
    for (auto& s : sessions_) {
        if (s->matches(p)) {
            s->write(p);
            if (s->ended_too_fast()) {
                bar(recent_entry(p.address));
                ++too_fast_;
                ++ended_;
            }
            return;
        }
    }
    const auto encoding = p.has(PacketFlag_Audio) ? rtp::find_encoding(p.rtp.payload_type) : std::nullopt;
    if (!encoding) {
        ++unroutable_;
        return;
    }
    const Packet* first = nullptr;
    if (!second_in_sequence(p, first)) {
        return; // held as a candidate
    }
    if (!admit(p.address)) {
        ++refused_;
        ++unroutable_;
        return;
    }
    const auto index = slot_for_new_session();
    if (!index) {
        ++refused_;
        ++unroutable_;
        return;
    }
    ReceiverSession& slot = *sessions_[*index];
    // The slot's previous session is folded into the totals first.
    add_stats(ended_stats_, slot.stats());
    add_stats(ended_depack_, slot.depacketizer_stats());
    if (first != nullptr) {
        slot.start(*first, *encoding);
        slot.write(p);
    } else {
        slot.start(p, *encoding);
    }
    started_at_[*index] = frames_read_;
    ++started_;
}

void ReceiverPipeline::read(float* out, std::size_t frames) {
    while (source_.read(scratch_)) {
        route(scratch_);
    }
    const std::size_t ch = config_.channels;
    std::fill(out, out + frames * ch, 0.0f);
    std::size_t mixed = 0;
    for (auto& s : sessions_) {
        if (!s->active()) {
            continue;
        }
        // An unconfirmed session runs (its watchdog too) but is not heard.
        const bool heard = s->confirmed();
        mixed += heard ? 1 : 0;
        for (std::size_t done = 0; done < frames && s->active();) {
            const std::size_t n = std::min(MixChunk, frames - done);
            s->read(mix_.data(), n);
            if (heard) {
                float* dst = out + done * ch;
                for (std::size_t i = 0; i < n * ch; ++i) {
                    dst[i] += mix_[i];
                }
            }
            done += n;
        }
        if (!s->active()) {
            ++ended_;
        }
    }
    if (mixed > 0) {
        // Several senders' sum may clip, and one sender's full-scale audio
        // rings a little past full scale in the drift-compensation
        // resampler (a windowed sinc overshoots a step by a few percent).
        for (std::size_t i = 0; i < frames * ch; ++i) {
            out[i] = std::clamp(out[i], -1.0f, 1.0f);
        }
    }
    frames_read_ += frames;
    publish();
}

void ReceiverPipeline::publish() {
    SessionStats st = ended_stats_;
    audio::DepacketizerStats dp = ended_depack_;
    std::uint32_t active = 0;
    const ReceiverSession* first = nullptr;
    for (const auto& s : sessions_) {
        // An ended session's counters stay in its slot until the slot is reused.
        add_stats(st, s->stats());
        add_stats(dp, s->depacketizer_stats());
        if (s->active()) {
            ++active;
            if (first == nullptr) {
                first = s.get();
            }
        }
    }
    constexpr auto r = std::memory_order_relaxed;
    pub_.packets_unroutable.store(unroutable_, r);
    pub_.packets_received.store(st.packets_received, r);
    pub_.packets_duplicate.store(st.packets_duplicate, r);
    pub_.packets_rejected.store(st.packets_rejected, r);
    pub_.packets_overflow.store(st.packets_overflow, r);
    pub_.packets_recovered.store(st.packets_recovered, r);
    pub_.repair_received.store(st.repair_received, r);
    pub_.fec_dropped.store(st.fec_dropped, r);
    pub_.packets_late.store(st.packets_late + dp.packets_late, r);
    pub_.packets_lost.store(dp.packets_lost, r);
    pub_.frames_missing.store(dp.frames_missing, r);
    pub_.frames_read.store(frames_read_, r);
    pub_.sessions_started.store(started_, r);
    pub_.sessions_ended.store(ended_, r);
    pub_.sessions_refused.store(refused_, r);
    pub_.sessions_evicted.store(evicted_, r);
    pub_.sessions_too_fast.store(too_fast_, r);
    pub_.latency_ns.store(first ? first->latency().count() : 0, r);
    pub_.jitter_ns.store(first ? first->jitter().count() : 0, r);
    pub_.scaling.store(first ? first->scaling() : 1.0, r);
    pub_.ssrc.store(first ? first->ssrc() : 0, r);
    pub_.ext_first_seq.store(first ? first->ext_first_seq() : 0, r);
    pub_.ext_highest_seq.store(first ? first->ext_highest_seq() : 0, r);
    pub_.first_arrived.store(first ? first->stats().packets_received + first->stats().packets_late : 0, r);
    sessions_now_.store(active, r);
}

ReceiverMetrics ReceiverPipeline::metrics() const {
    constexpr auto r = std::memory_order_relaxed;
    ReceiverMetrics m;
    m.packets_unroutable = pub_.packets_unroutable.load(r);
    m.packets_received = pub_.packets_received.load(r);
    m.packets_lost = pub_.packets_lost.load(r);
    m.packets_late = pub_.packets_late.load(r);
    m.packets_duplicate = pub_.packets_duplicate.load(r);
    m.packets_rejected = pub_.packets_rejected.load(r);
    m.packets_overflow = pub_.packets_overflow.load(r);
    m.packets_recovered = pub_.packets_recovered.load(r);
    m.repair_received = pub_.repair_received.load(r);
    m.fec_dropped = pub_.fec_dropped.load(r);
    m.frames_read = pub_.frames_read.load(r);
    m.frames_missing = pub_.frames_missing.load(r);
    m.sessions_started = pub_.sessions_started.load(r);
    m.sessions_ended = pub_.sessions_ended.load(r);
    m.sessions_refused = pub_.sessions_refused.load(r);
    m.sessions_evicted = pub_.sessions_evicted.load(r);
    m.sessions_too_fast = pub_.sessions_too_fast.load(r);
    m.sessions = sessions_now_.load(r);
    m.latency = core::Duration(pub_.latency_ns.load(r));
    m.jitter = core::Duration(pub_.jitter_ns.load(r));
    m.scaling = pub_.scaling.load(r);
    m.ssrc = pub_.ssrc.load(r);
    m.ext_first_seq = pub_.ext_first_seq.load(r);
    m.ext_highest_seq = pub_.ext_highest_seq.load(r);
    m.packets_arrived = pub_.first_arrived.load(r);
    return m;
}

rtcp::ReceptionState ReceiverPipeline::reception_state() const {
    constexpr auto r = std::memory_order_relaxed;
    rtcp::ReceptionState s;
    s.sessions = sessions_now_.load(r);
    s.ssrc = pub_.ssrc.load(r);
    s.ext_first_seq = pub_.ext_first_seq.load(r);
    s.ext_highest_seq = pub_.ext_highest_seq.load(r);
    s.packets_arrived = pub_.first_arrived.load(r);
    s.jitter = core::Duration(pub_.jitter_ns.load(r));
    s.latency = core::Duration(pub_.latency_ns.load(r));
    return s;
}

} // namespace rocd::transport
