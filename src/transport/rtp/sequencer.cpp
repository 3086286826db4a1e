#include "transport/rtp/sequencer.h"

#include <random>

namespace rocd::transport::rtp {

namespace {

std::uint32_t random32() {
    static thread_local std::random_device device;
    return static_cast<std::uint32_t>(device());
}

} // namespace

Sequencer::Sequencer(std::uint8_t payload_type)
    : payload_type_(payload_type), ssrc_(0), seqnum_(static_cast<std::uint16_t>(random32())),
      timestamp_(random32()) {
    while (ssrc_ == 0) {
        ssrc_ = random32();
    }
}

Sequencer::Sequencer(std::uint8_t payload_type, std::uint32_t ssrc, std::uint16_t seqnum,
                     std::uint32_t timestamp)
    : payload_type_(payload_type), ssrc_(ssrc), seqnum_(seqnum), timestamp_(timestamp) {}

void Sequencer::next(Packet& packet, std::uint32_t duration) {
    packet.rtp.payload_type = payload_type_;
    packet.rtp.ssrc = ssrc_;
    packet.rtp.seqnum = seqnum_;
    packet.rtp.timestamp = timestamp_;
    packet.rtp.duration = duration;
    packet.flags |= PacketFlag_Rtp | PacketFlag_Audio;
    ++seqnum_;
    timestamp_ += duration;
}

} // namespace rocd::transport::rtp
