#include "transport/rtp/composer.h"

#include <cstring>

#include "transport/rtp/header.h"

namespace rocd::transport::rtp {

bool Composer::prepare(Packet& packet, std::size_t payload_size, std::size_t padding) {
    if (padding > 255 || HeaderSize + payload_size + padding > MaxPacketSize) {
        return false;
    }
    packet.rtp.begin = 0;
    packet.rtp.payload_offset = HeaderSize;
    packet.rtp.payload_size = static_cast<std::uint16_t>(payload_size);
    packet.rtp.padding = static_cast<std::uint8_t>(padding);
    packet.rtp.size = static_cast<std::uint16_t>(HeaderSize + payload_size + padding);
    packet.size = packet.rtp.size;
    packet.flags |= PacketFlag_Rtp;
    return true;
}

void Composer::compose(Packet& packet) {
    const RtpFields& f = packet.rtp;
    auto* header = reinterpret_cast<Header*>(packet.data.data() + f.begin);
    header->clear();
    header->set_padding(f.padding != 0);
    header->set_marker(f.marker);
    header->set_payload_type(f.payload_type);
    header->set_seqnum(f.seqnum);
    header->set_timestamp(f.timestamp);
    header->set_ssrc(f.ssrc);
    if (f.padding != 0) {
        std::uint8_t* pad = packet.data.data() + f.payload_offset + f.payload_size;
        std::memset(pad, 0, f.padding);
        pad[f.padding - 1] = f.padding;
    }
}

} // namespace rocd::transport::rtp
