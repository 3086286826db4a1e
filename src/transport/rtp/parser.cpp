#include "transport/rtp/parser.h"

#include "transport/rtp/encoding.h"
#include "transport/rtp/header.h"

namespace rocd::transport::rtp {

bool Parser::parse_rtp(Packet& packet, std::size_t begin, std::size_t size) {
    if (begin > packet.size || size > packet.size - begin || size < Header::Size) {
        return false;
    }
    const std::uint8_t* base = packet.data.data() + begin;
    const auto* header = reinterpret_cast<const Header*>(base);
    if (header->version() != Header::Version) {
        return false;
    }
    std::size_t header_size = Header::Size + std::size_t(header->csrc_count()) * 4;
    if (header_size > size) {
        return false;
    }
    if (header->extension()) {
        if (header_size + ExtensionHeader::Size > size) {
            return false;
        }
        const auto* ext = reinterpret_cast<const ExtensionHeader*>(base + header_size);
        header_size += ExtensionHeader::Size + ext->data_size();
        if (header_size > size) {
            return false;
        }
    }
    std::size_t padding = 0;
    if (header->padding()) {
        if (size == header_size) {
            return false;
        }
        padding = base[size - 1];
        // RFC 3550: the count includes itself, so zero is malformed.
        if (padding == 0 || padding > size - header_size) {
            return false;
        }
    }

    RtpFields& f = packet.rtp;
    f = RtpFields {};
    f.ssrc = header->ssrc();
    f.timestamp = header->timestamp();
    f.seqnum = header->seqnum();
    f.payload_type = header->payload_type();
    f.marker = header->marker();
    f.padding = static_cast<std::uint8_t>(padding);
    f.begin = static_cast<std::uint16_t>(begin);
    f.size = static_cast<std::uint16_t>(size);
    f.payload_offset = static_cast<std::uint16_t>(begin + header_size);
    f.payload_size = static_cast<std::uint16_t>(size - header_size - padding);
    return true;
}

bool Parser::parse(Packet& packet) const {
    packet.flags &= ~(PacketFlag_Rtp | PacketFlag_Audio);
    if (packet.size > MaxPacketSize || packet.size < footer_size_) {
        return false;
    }
    if (!parse_rtp(packet, 0, packet.size - footer_size_)) {
        return false;
    }
    packet.flags |= PacketFlag_Rtp;
    if (const auto enc = find_encoding(packet.rtp.payload_type)) {
        const std::uint32_t frame = enc->frame_size();
        if (packet.rtp.payload_size != 0 && packet.rtp.payload_size % frame == 0) {
            packet.rtp.duration = packet.rtp.payload_size / frame;
            packet.flags |= PacketFlag_Audio;
        }
    }
    return true;
}

} // namespace rocd::transport::rtp
