// FEC packet formats on top of RTP (WIRE.md §3): the source footer after an
// RTP packet and the repair header before a repair symbol, for either scheme,
// and the datagram parsers the receiver's sockets use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "transport/fec/fec_scheme.h"
#include "transport/packet/packet_io.h"

namespace rocd::transport::fec {

/// Writes the source FEC payload ID of `scheme` into `out` (6 bytes).
/// False when the fields do not fit the scheme's layout.
bool compose_source_footer(FecScheme scheme, std::uint32_t sbn, std::uint16_t esi, std::uint16_t k,
                           std::span<std::uint8_t> out);
/// Writes the repair FEC payload ID (RS8M 6 bytes, LDPC 8 bytes with n).
bool compose_repair_header(FecScheme scheme, std::uint32_t sbn, std::uint16_t esi, std::uint16_t k,
                           std::uint16_t n, std::span<std::uint8_t> out);

/// Source datagrams of a FEC stream: `[RTP | footer]`. Fills rtp fields
/// (PacketFlag_Rtp/Audio as rtp::Parser) and fec fields (PacketFlag_Fec);
/// the FEC symbol is the RTP packet. A malformed RTP packet or footer is
/// rejected (the socket counts it as malformed).
class FecSourceParser final : public IPacketParser {
public:
    explicit FecSourceParser(FecScheme scheme) : scheme_(scheme) {}
    bool parse(Packet& packet) const override;

private:
    FecScheme scheme_;
};

/// Repair datagrams: `[header | symbol]`. Sets PacketFlag_Fec|Repair and
/// the fec fields (block_length = n; 0 for RS8M, whose header has no n).
class FecRepairParser final : public IPacketParser {
public:
    explicit FecRepairParser(FecScheme scheme) : scheme_(scheme) {}
    bool parse(Packet& packet) const override;

private:
    FecScheme scheme_;
};

} // namespace rocd::transport::fec
