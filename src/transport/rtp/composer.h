// Writes the RTP header of a packet from its parsed fields.
#pragma once

#include "transport/packet/packet.h"

namespace rocd::transport::rtp {

/// Lays out a packet as [12-byte header | payload | padding] at offset 0,
/// as Roc composes it: no CSRC, no extension, padding only if asked for.
class Composer {
public:
    /// Space to leave before the payload.
    static constexpr std::size_t HeaderSize = 12;

    /// Prepares an empty packet for `payload_size` bytes of payload plus
    /// `padding` bytes of padding; sets rtp.payload_offset/size and size.
    /// Returns false if it does not fit in MaxPacketSize.
    static bool prepare(Packet& packet, std::size_t payload_size, std::size_t padding = 0);

    /// Writes header (from packet.rtp) and padding bytes into packet.data.
    /// Call after the payload is in place.
    static void compose(Packet& packet);
};

} // namespace rocd::transport::rtp
