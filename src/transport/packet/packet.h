// A network packet as it travels through the transport pipelines: one UDP
// datagram held in a fixed buffer, plus the fields parsed from it.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "transport/address/socket_address.h"

namespace rocd::transport {

/// Largest datagram rocd sends or accepts; Roc sizes its pools the same way.
inline constexpr std::size_t MaxPacketSize = 2048;

/// What a packet has been recognised as, by the stages it went through.
enum PacketFlags : std::uint32_t {
    PacketFlag_Rtp = 1u << 0,      ///< has a parsed RTP header (rtp fields are valid)
    PacketFlag_Audio = 1u << 1,    ///< RTP with a known audio payload type
    PacketFlag_Fec = 1u << 2,      ///< has a parsed FEC payload ID (fec fields are valid)
    PacketFlag_Repair = 1u << 3,   ///< FEC repair packet (no RTP header)
    PacketFlag_Restored = 1u << 4, ///< rebuilt by the FEC decoder, not received
};

/// Fields of the RTP header, in host order. Offsets index Packet::data.
struct RtpFields {
    std::uint32_t ssrc = 0;
    std::uint32_t timestamp = 0;
    std::uint16_t seqnum = 0;
    std::uint8_t payload_type = 0;
    bool marker = false;
    /// Bytes of padding (including the count byte), 0 when P is clear.
    std::uint8_t padding = 0;
    /// Where the RTP packet starts and how long it is (header..padding).
    std::uint16_t begin = 0;
    std::uint16_t size = 0;
    /// The payload, without header, extension and padding.
    std::uint16_t payload_offset = 0;
    std::uint16_t payload_size = 0;
    /// Samples per channel carried by the payload (set once the encoding is known).
    std::uint32_t duration = 0;
};

/// FEC payload ID fields (FECFRAME, WIRE.md §3), host order. Filled by the
/// FEC stages; the core transport only carries them.
struct FecFields {
    std::uint32_t source_block_number = 0;
    std::uint16_t encoding_symbol_id = 0;
    std::uint16_t source_block_length = 0;
    std::uint16_t block_length = 0;
    /// The FEC symbol inside data (for a source packet: the RTP packet).
    std::uint16_t payload_offset = 0;
    std::uint16_t payload_size = 0;
};

/// One datagram. Fixed-size, so pools and lock-free rings hold packets by
/// value and nothing allocates per packet. Copies move only the used bytes.
struct Packet {
    Packet() = default;
    Packet(const Packet& other) { *this = other; }
    Packet& operator=(const Packet& other) {
        if (this != &other) {
            size = other.size;
            flags = other.flags;
            rtp = other.rtp;
            fec = other.fec;
            address = other.address;
            receive_time_ns = other.receive_time_ns;
            std::memcpy(data.data(), other.data.data(), std::min<std::size_t>(other.size, MaxPacketSize));
        }
        return *this;
    }

    std::array<std::uint8_t, MaxPacketSize> data;
    /// Bytes used in data.
    std::uint16_t size = 0;
    std::uint32_t flags = 0;
    RtpFields rtp;
    FecFields fec;
    /// Sender's address on receive; destination on send.
    address::SocketAddress address;
    /// Arrival time (receiver, steady clock in ns), 0 when unknown.
    std::int64_t receive_time_ns = 0;

    bool has(std::uint32_t flag) const { return (flags & flag) != 0; }

    std::span<const std::uint8_t> bytes() const { return {data.data(), size}; }

    std::span<const std::uint8_t> rtp_payload() const {
        return {data.data() + rtp.payload_offset, rtp.payload_size};
    }
    std::span<std::uint8_t> rtp_payload() { return {data.data() + rtp.payload_offset, rtp.payload_size}; }

    /// Forget everything but keep the buffer (no zeroing: pools reuse packets).
    void reset() {
        size = 0;
        flags = 0;
        rtp = RtpFields {};
        fec = FecFields {};
        address = address::SocketAddress {};
        receive_time_ns = 0;
    }
};

} // namespace rocd::transport
