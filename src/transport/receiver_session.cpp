#include "transport/receiver_session.h"

#include <algorithm>
#include <cmath>

namespace rocd::transport {

namespace {

// Every known encoding is at this rate (WIRE.md §2); a session's resampler
// is built for it once.
constexpr std::uint32_t PacketRate = 44100;
// Roc's RTP filter (WIRE.md §7).
constexpr int MaxSeqJump = 100;
constexpr std::uint32_t MaxTsJump = PacketRate; // 1 s

audio::FreqEstimatorConfig estimator_config(const ReceiverConfig& c) {
    audio::FreqEstimatorConfig e;
    e.target = c.target_latency;
    e.tolerance = c.effective_tolerance();
    e.max_scaling_delta = c.max_scaling_delta;
    return e;
}

} // namespace

ReceiverSession::ReceiverSession(const ReceiverConfig& config)
    : config_(config), queue_(config.effective_session_packets()), depacketizer_(queue_),
      mapper_(depacketizer_, 2, config.channels), estimator_(estimator_config(config)),
      resampler_(config.drift_compensation || config.rate != PacketRate
                     ? std::make_unique<audio::Resampler>(config.channels, PacketRate, config.rate,
                                                          config.resampler_quality, config.max_scaling_delta,
                                                          config.resampler_backend)
                     : nullptr),
      monitor_(mapper_, queue_, depacketizer_, estimator_,
               config.drift_compensation ? resampler_.get() : nullptr,
               core::duration_to_samples(std::chrono::milliseconds(5), PacketRate)),
      output_(&monitor_) {
    if (config.source) {
        if (auto scheme = fec::fec_scheme_from_uri_scheme(protocol_scheme(config.source->protocol))) {
            fec_ = std::make_unique<fec::BlockReader>(*scheme, restored_sink_);
        }
    }
    if (resampler_) {
        resampler_reader_ = std::make_unique<audio::ResamplerReader>(monitor_, *resampler_, config.channels);
        output_ = resampler_reader_.get();
    }
    target_samples_ = core::duration_to_samples(config.target_latency, PacketRate);
    tolerance_samples_ = core::duration_to_samples(config.effective_tolerance(), PacketRate);
    timeout_frames_ = core::duration_to_samples(config.effective_no_playback_timeout(), config.rate);
    warmup_frames_ = core::duration_to_samples(config.target_latency, config.rate);
    pace_burst_ = double(core::duration_to_samples(
        std::chrono::milliseconds(500) + config.effective_no_playback_timeout(), PacketRate));
}

void ReceiverSession::start(const Packet& first, const rtp::Encoding& encoding) {
    state_ = State::buffering;
    ssrc_ = first.rtp.ssrc;
    address_ = first.address;
    encoding_ = encoding;
    queue_.clear();
    mapper_.set_in_channels(encoding.channels);
    have_prev_ = false;
    jitter_ns_ = 0;
    ext_first_seq_ = ext_highest_seq_ = first.rtp.seqnum;
    frames_since_packet_ = 0;
    frames_silent_ = 0;
    frames_played_ = 0;
    stats_ = SessionStats {};
    end_reason_ = "";
    pace_credit_ = pace_burst_;
    pace_arrival_ns_ = 0;
    too_fast_ = false;
    if (fec_) {
        fec_->reset();
        fec_dropped_seen_ = fec_->stats().dropped;
    }
    monitor_.reset(encoding.sample_rate);
    if (resampler_reader_) {
        resampler_reader_->reset();
    }
    write(first);
}

void ReceiverSession::end(const char* reason) {
    state_ = State::idle;
    end_reason_ = reason;
}

bool ReceiverSession::filter(const Packet& p) {
    if (p.rtp.payload_type != encoding_.payload_type) {
        return false;
    }
    if (have_prev_) {
        const int seq_jump = std::abs(static_cast<std::int16_t>(p.rtp.seqnum - prev_seq_));
        const std::uint32_t ts_jump =
            std::min<std::uint32_t>(p.rtp.timestamp - prev_ts_, prev_ts_ - p.rtp.timestamp);
        if (seq_jump > MaxSeqJump || ts_jump > MaxTsJump) {
            return false;
        }
    }
    return true;
}

bool ReceiverSession::pace(const Packet& p) {
    if (p.receive_time_ns == 0) {
        return true;
    }
    if (pace_arrival_ns_ != 0 && p.receive_time_ns > pace_arrival_ns_) {
        const double elapsed = double(p.receive_time_ns - pace_arrival_ns_) * PacketRate / 1e9;
        pace_credit_ = std::min(pace_burst_, pace_credit_ + elapsed * pace_factor);
    }
    pace_arrival_ns_ = std::max(pace_arrival_ns_, p.receive_time_ns);
    // Every packet spends its duration, whatever becomes of it: a flood of
    // duplicates or of packets too late to play is still a flood.
    pace_credit_ -= double(p.rtp.duration);
    return pace_credit_ >= 0;
}

void ReceiverSession::sync_fec_stats() {
    const std::uint64_t d = fec_->stats().dropped;
    stats_.fec_dropped += d - fec_dropped_seen_;
    fec_dropped_seen_ = d;
}

void ReceiverSession::write_repair(const Packet& p) {
    if (!active() || !fec_) {
        return;
    }
    ++stats_.repair_received;
    fec_->add_repair(p);
    sync_fec_stats();
}

bool ReceiverSession::insert(const Packet& p) {
    if (!filter(p)) {
        ++stats_.packets_rejected;
        return false;
    }
    switch (queue_.insert(p)) {
    case JitterBuffer::Insert::ok:
        break;
    case JitterBuffer::Insert::duplicate:
        ++stats_.packets_duplicate;
        return false;
    case JitterBuffer::Insert::late:
        ++stats_.packets_late;
        return false;
    case JitterBuffer::Insert::overflow:
        ++stats_.packets_overflow;
        return false;
    }
    if (p.has(PacketFlag_Restored)) {
        // Not received: keeps out of the arrival statistics (jitter, watchdog).
        ++stats_.packets_recovered;
        return false;
    }
    return true;
}

void ReceiverSession::write(const Packet& p) {
    if (!active()) {
        return;
    }
    if (!pace(p)) {
        too_fast_ = true;
        end("faster than real time");
        return;
    }
    if (!filter(p)) {
        ++stats_.packets_rejected;
        return;
    }
    const auto step = static_cast<std::int16_t>(static_cast<std::uint16_t>(p.rtp.seqnum - ext_highest_seq_));
    if (step > 0) {
        ext_highest_seq_ += static_cast<std::uint32_t>(step);
    }
    const bool queued = insert(p);
    if (fec_ && p.has(PacketFlag_Fec)) {
        // Even a late or duplicate symbol can complete its block.
        fec_->add_source(p);
        sync_fec_stats();
    }
    if (!queued) {
        return;
    }
    ++stats_.packets_received;
    frames_since_packet_ = 0;
    if (have_prev_ && p.receive_time_ns != 0 && prev_arrival_ns_ != 0) {
        // RFC 3550 §6.4.1, in nanoseconds.
        const double transit_diff = double(p.receive_time_ns - prev_arrival_ns_) -
                                    double(static_cast<std::int32_t>(p.rtp.timestamp - prev_ts_)) * 1e9 /
                                        double(encoding_.sample_rate);
        jitter_ns_ += (std::abs(transit_diff) - jitter_ns_) / 16.0;
    }
    have_prev_ = true;
    prev_seq_ = p.rtp.seqnum;
    prev_ts_ = p.rtp.timestamp;
    prev_arrival_ns_ = p.receive_time_ns;
}

void ReceiverSession::try_start_playing() {
    const Packet* head = queue_.head();
    if (head == nullptr || !queue_.has_newest()) {
        return;
    }
    const auto queued = static_cast<std::int32_t>(queue_.newest_end() - head->rtp.timestamp);
    if (queued < static_cast<std::int32_t>(target_samples_)) {
        return;
    }
    // Start exactly one target latency before the newest sample; what is
    // older than that is dropped unplayed (not counted as late).
    const std::uint32_t start = queue_.newest_end() - static_cast<std::uint32_t>(target_samples_);
    while (const Packet* p = queue_.head()) {
        if (static_cast<std::int32_t>(p->rtp.timestamp + p->rtp.duration - start) > 0) {
            break;
        }
        queue_.pop();
    }
    depacketizer_.start(encoding_, start);
    state_ = State::playing;
}

core::Duration ReceiverSession::latency() const {
    return core::Duration(
        static_cast<std::int64_t>(double(monitor_.latency_samples()) * 1e9 / double(PacketRate)));
}

void ReceiverSession::read(float* out, std::size_t frames) {
    const std::size_t samples = frames * config_.channels;
    if (state_ == State::buffering) {
        try_start_playing();
    }
    if (state_ != State::playing) {
        std::fill(out, out + samples, 0.0f);
        frames_since_packet_ += frames;
        if (state_ == State::buffering && frames_since_packet_ >= timeout_frames_) {
            end("no packets");
        }
        return;
    }
    const std::uint64_t decoded_before = depacketizer_.stats().frames_decoded;
    output_->read(out, frames);
    frames_played_ += frames;
    frames_since_packet_ += frames;
    if (depacketizer_.stats().frames_decoded == decoded_before) {
        frames_silent_ += frames;
    } else {
        frames_silent_ = 0;
    }
    // Watchdog: a stream that stopped, or only sends packets too late to
    // play, ends instead of playing silence forever.
    if (frames_silent_ >= timeout_frames_ || frames_since_packet_ >= timeout_frames_) {
        end("no playback");
        return;
    }
    if (frames_played_ >= warmup_frames_) {
        const std::int64_t lat = monitor_.latency_samples();
        const auto target = static_cast<std::int64_t>(target_samples_);
        const auto tol = static_cast<std::int64_t>(tolerance_samples_);
        // Too low only counts while packets flow; a stalled queue is the watchdog's call.
        const bool stalling = frames_since_packet_ * 4 > timeout_frames_;
        if (lat > target + tol || (lat < target - tol && !stalling)) {
            end("latency out of bounds");
        }
    }
}

} // namespace rocd::transport
