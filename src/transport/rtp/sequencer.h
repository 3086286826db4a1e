// Numbers outgoing RTP packets as Roc does (WIRE.md §2).
#pragma once

#include <cstdint>

#include "transport/packet/packet.h"

namespace rocd::transport::rtp {

/// Random SSRC in [1, 2^32-1], random start seq and timestamp; seq +1 and
/// timestamp + duration per packet, both wrapping.
class Sequencer {
public:
    /// Random identity from the system CSPRNG.
    Sequencer(std::uint8_t payload_type);
    /// Fixed identity (tests).
    Sequencer(std::uint8_t payload_type, std::uint32_t ssrc, std::uint16_t seqnum, std::uint32_t timestamp);

    /// Fills rtp.ssrc/seqnum/timestamp/payload_type for a packet carrying
    /// `duration` samples per channel, then advances.
    void next(Packet& packet, std::uint32_t duration);

    std::uint32_t ssrc() const { return ssrc_; }
    std::uint16_t next_seqnum() const { return seqnum_; }
    std::uint32_t next_timestamp() const { return timestamp_; }

private:
    std::uint8_t payload_type_;
    std::uint32_t ssrc_;
    std::uint16_t seqnum_;
    std::uint32_t timestamp_;
};

} // namespace rocd::transport::rtp
