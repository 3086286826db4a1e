// The audio side of a sender: frames in, RTP packets out.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>

#include "transport/audio/channel_mapper.h"
#include "transport/audio/packetizer.h"
#include "transport/audio/resampler.h"
#include "transport/fec/block_writer.h"
#include "transport/packet/packet_io.h"
#include "transport/rtcp/hooks.h"
#include "transport/rtp/sequencer.h"
#include "transport/sender_config.h"

namespace rocd::transport {

/// channel mapper → resampler (only if the rate differs) → packetizer →
/// FEC block writer (when config.source is rtp+rs8m / rtp+ldpc) → `out`. write() runs on the caller's audio
/// thread: no locks, no allocation. Packets leave as soon as they are full, so the sender is paced by whoever
/// calls write() (the audio clock), never by a timer.
class SenderPipeline final : public rtcp::ISendingHook {
public:
    /// `config` must be valid. A null sequencer means a random identity;
    /// no `first_sbn` a random first FEC block number.
    SenderPipeline(const SenderConfig& config, IPacketWriter& out,
                   std::unique_ptr<rtp::Sequencer> sequencer = nullptr,
                   std::optional<std::uint16_t> first_sbn = std::nullopt);

    void write(const float* frames, std::size_t count);

    std::uint32_t ssrc() const { return sequencer_->ssrc(); }
    /// RTP packet size produced (896 bytes by default).
    std::size_t packet_size() const { return packetizer_->packet_size(); }
    std::uint64_t frames_written() const { return frames_written_.load(std::memory_order_relaxed); }
    std::uint64_t packets_produced() const { return counter_.count.load(std::memory_order_relaxed); }
    std::uint64_t octets_produced() const { return counter_.octets.load(std::memory_order_relaxed); }
    /// RTP timestamp just past the last packet and the wall time (Unix ns) it was built; 0 before any.
    std::uint32_t last_timestamp_end() const { return counter_.last_ts_end.load(std::memory_order_relaxed); }
    std::int64_t last_packet_unix_ns() const { return counter_.last_unix_ns.load(std::memory_order_relaxed); }
    std::uint32_t sample_rate() const { return sample_rate_; }
    /// For the RTCP sender reports.
    rtcp::SendingState sending_state() const override {
        return {
            ssrc(),           sample_rate_, last_timestamp_end(), last_packet_unix_ns(), packets_produced(),
            octets_produced()};
    }
    /// The FEC stage, or null without FEC.
    fec::BlockWriter* fec_writer() { return fec_writer_.get(); }
    const fec::BlockWriter* fec_writer() const { return fec_writer_.get(); }

private:
    // Counts packets on their way out.
    struct Counter final : IPacketWriter {
        explicit Counter(IPacketWriter& next) : next(next) {}
        void write(Packet& p) override {
            // For RTCP SRs: which RTP timestamp maps to which wall time.
            last_ts_end.store(p.rtp.timestamp + p.rtp.duration, std::memory_order_relaxed);
            last_unix_ns.store(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count(),
                               std::memory_order_relaxed);
            octets.fetch_add(p.rtp.payload_size, std::memory_order_relaxed);
            count.fetch_add(1, std::memory_order_release);
            next.write(p);
        }
        IPacketWriter& next;
        std::atomic<std::uint64_t> count {0}, octets {0};
        std::atomic<std::uint32_t> last_ts_end {0};
        std::atomic<std::int64_t> last_unix_ns {0};
    };

    std::unique_ptr<fec::BlockWriter> fec_writer_;
    Counter counter_;
    std::unique_ptr<rtp::Sequencer> sequencer_;
    std::unique_ptr<audio::Packetizer> packetizer_;
    std::unique_ptr<audio::Resampler> resampler_;
    std::unique_ptr<audio::ResamplerWriter> resampler_writer_;
    std::unique_ptr<audio::ChannelMapperWriter> mapper_;
    audio::IFrameWriter* input_;
    std::atomic<std::uint64_t> frames_written_ {0};
    std::uint32_t sample_rate_ = 44100;
};

} // namespace rocd::transport
