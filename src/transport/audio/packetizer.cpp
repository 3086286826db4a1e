#include "transport/audio/packetizer.h"

#include <algorithm>

#include "transport/audio/pcm.h"
#include "transport/rtp/composer.h"

namespace rocd::transport::audio {

Packetizer::Packetizer(IPacketWriter& next, rtp::Sequencer& sequencer, const rtp::Encoding& encoding,
                       std::size_t samples_per_packet)
    : next_(next), sequencer_(sequencer), encoding_(encoding), samples_per_packet_(samples_per_packet) {
    packet_.reset();
}

std::size_t Packetizer::packet_size() const {
    return rtp::Composer::HeaderSize + samples_per_packet_ * encoding_.frame_size();
}

void Packetizer::write(const float* samples, std::size_t frames) {
    const std::size_t ch = encoding_.channels;
    while (frames > 0) {
        if (!open_) {
            begin_packet();
        }
        const std::size_t n = std::min(frames, samples_per_packet_ - filled_);
        encode_l16_be(samples, n * ch, packet_.rtp_payload().data() + filled_ * encoding_.frame_size());
        filled_ += n;
        samples += n * ch;
        frames -= n;
        if (filled_ == samples_per_packet_) {
            end_packet();
        }
    }
}

void Packetizer::begin_packet() {
    packet_.reset();
    rtp::Composer::prepare(packet_, samples_per_packet_ * encoding_.frame_size());
    filled_ = 0;
    open_ = true;
}

void Packetizer::end_packet() {
    sequencer_.next(packet_, static_cast<std::uint32_t>(samples_per_packet_));
    rtp::Composer::compose(packet_);
    next_.write(packet_);
    open_ = false;
}

} // namespace rocd::transport::audio
