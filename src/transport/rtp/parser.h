// Parses and validates the RTP part of a datagram.
#pragma once

#include <cstddef>

#include "transport/packet/packet_io.h"

namespace rocd::transport::rtp {

/// Strict RTP parser. Accepts V=2 with CSRCs, a header extension and
/// padding (all skipped), rejects anything truncated or inconsistent.
/// With a FEC scheme the last `footer_size` bytes of the datagram are the
/// FEC payload ID and are not part of the RTP packet (WIRE.md §3).
class Parser final : public IPacketParser {
public:
    explicit Parser(std::size_t footer_size = 0) : footer_size_(footer_size) {}

    /// Parses packet.data[begin, begin+size) as one RTP packet into packet.rtp.
    static bool parse_rtp(Packet& packet, std::size_t begin, std::size_t size);

    /// Parses the whole datagram minus the footer; sets PacketFlag_Rtp and,
    /// for a known payload type whose payload is a whole number of frames,
    /// PacketFlag_Audio and rtp.duration.
    bool parse(Packet& packet) const override;

private:
    std::size_t footer_size_ = 0;
};

} // namespace rocd::transport::rtp
