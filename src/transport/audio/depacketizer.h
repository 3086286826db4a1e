// Turns the packets of a jitter buffer back into a continuous stream.
#pragma once

#include <cstddef>
#include <cstdint>

#include "transport/audio/frame_io.h"
#include "transport/packet/jitter_buffer.h"
#include "transport/rtp/encoding.h"

namespace rocd::transport::audio {

/// Counters of one depacketizer (audio thread only; the session publishes them).
struct DepacketizerStats {
    std::uint64_t frames_decoded = 0;
    /// Frames played as silence because their packet was missing (lost or
    /// not yet there: a gap or an underrun).
    std::uint64_t frames_missing = 0;
    /// Packets skipped because of a sequence gap.
    std::uint64_t packets_lost = 0;
    /// Packets that arrived after their time had passed.
    std::uint64_t packets_late = 0;
};

/// Pull stage at the encoding's rate and channels. It follows the stream
/// timeline (RTP timestamps) from start(): a packet is played where its
/// timestamp says, a gap is silence, a packet whose time has passed is dropped.
class Depacketizer final : public IFrameReader {
public:
    explicit Depacketizer(JitterBuffer& queue);

    /// Begins (again) at `timestamp` with the given encoding.
    void start(const rtp::Encoding& encoding, std::uint32_t timestamp);

    void read(float* samples, std::size_t frames) override;

    /// Timestamp of the next frame read() will produce.
    std::uint32_t next_timestamp() const { return next_ts_; }
    /// Frames of the last read() that came from packets.
    std::size_t last_read_decoded() const { return last_decoded_; }
    const DepacketizerStats& stats() const { return stats_; }

private:
    JitterBuffer& queue_;
    rtp::Encoding encoding_;
    std::uint32_t next_ts_ = 0;
    bool have_last_seq_ = false;
    std::uint16_t last_seq_ = 0;
    std::size_t last_decoded_ = 0;
    DepacketizerStats stats_;
};

} // namespace rocd::transport::audio
