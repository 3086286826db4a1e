// Cuts a stream of frames into RTP packets.
#pragma once

#include <cstddef>

#include "transport/audio/frame_io.h"
#include "transport/packet/packet_io.h"
#include "transport/rtp/encoding.h"
#include "transport/rtp/sequencer.h"

namespace rocd::transport::audio {

/// Encodes frames (at the encoding's rate and channels) as L16 big-endian
/// into packets of exactly `samples_per_packet` samples per channel,
/// numbers them with the sequencer and hands each full packet to `next`.
/// A partial packet waits for more frames (Roc never sends a short one).
class Packetizer final : public IFrameWriter {
public:
    Packetizer(IPacketWriter& next, rtp::Sequencer& sequencer, const rtp::Encoding& encoding,
               std::size_t samples_per_packet);

    void write(const float* samples, std::size_t frames) override;

    /// RTP packet size this packetizer produces.
    std::size_t packet_size() const;

private:
    void begin_packet();
    void end_packet();

    IPacketWriter& next_;
    rtp::Sequencer& sequencer_;
    rtp::Encoding encoding_;
    std::size_t samples_per_packet_;
    std::size_t filled_ = 0;
    bool open_ = false;
    Packet packet_;
};

} // namespace rocd::transport::audio
