#include "transport/fec/fec_packets.h"

#include <optional>

#include "transport/fec/payload_id.h"
#include "transport/rtp/parser.h"

namespace rocd::transport::fec {

bool compose_source_footer(FecScheme scheme, std::uint32_t sbn, std::uint16_t esi, std::uint16_t k,
                           std::span<std::uint8_t> out) {
    if (scheme == FecScheme::rs8m) {
        if (esi > 0xFF) {
            return false;
        }
        return Rs8mPayloadId {sbn, static_cast<std::uint8_t>(esi), k}.compose(out);
    }
    if (sbn > 0xFFFF) {
        return false;
    }
    return LdpcSourcePayloadId {static_cast<std::uint16_t>(sbn), esi, k}.compose(out);
}

bool compose_repair_header(FecScheme scheme, std::uint32_t sbn, std::uint16_t esi, std::uint16_t k,
                           std::uint16_t n, std::span<std::uint8_t> out) {
    if (scheme == FecScheme::rs8m) {
        if (esi > 0xFF) {
            return false;
        }
        return Rs8mPayloadId {sbn, static_cast<std::uint8_t>(esi), k}.compose(out);
    }
    if (sbn > 0xFFFF) {
        return false;
    }
    return LdpcRepairPayloadId {static_cast<std::uint16_t>(sbn), esi, k, n}.compose(out);
}

namespace {

// The block fields every payload ID carries, whatever its layout.
template <class PayloadId> std::optional<FecFields> block_fields(const std::optional<PayloadId>& id) {
    if (!id) {
        return std::nullopt;
    }
    FecFields f;
    f.source_block_number = id->sbn;
    f.encoding_symbol_id = id->esi;
    f.source_block_length = id->k;
    return f;
}

} // namespace

bool FecSourceParser::parse(Packet& packet) const {
    packet.flags &= ~(PacketFlag_Fec | PacketFlag_Repair);
    const std::size_t footer = source_footer_size(scheme_);
    if (packet.size > MaxPacketSize || packet.size < footer) {
        return false;
    }
    const std::span<const std::uint8_t> tail(packet.data.data() + packet.size - footer, footer);
    const auto parsed = scheme_ == FecScheme::rs8m ? block_fields(Rs8mPayloadId::parse_source(tail))
                                                   : block_fields(LdpcSourcePayloadId::parse(tail));
    if (!parsed) {
        return false;
    }
    FecFields f = *parsed;
    if (!rtp::Parser(footer).parse(packet)) {
        return false;
    }
    f.payload_offset = 0;
    f.payload_size = static_cast<std::uint16_t>(packet.size - footer);
    packet.fec = f;
    packet.flags |= PacketFlag_Fec;
    return true;
}

bool FecRepairParser::parse(Packet& packet) const {
    packet.flags &= ~(PacketFlag_Rtp | PacketFlag_Audio | PacketFlag_Fec | PacketFlag_Repair);
    const std::size_t header = repair_header_size(scheme_);
    if (packet.size > MaxPacketSize || packet.size <= header) {
        return false;
    }
    const std::span<const std::uint8_t> bytes(packet.data.data(), packet.size);
    std::optional<FecFields> parsed;
    if (scheme_ == FecScheme::rs8m) {
        parsed = block_fields(Rs8mPayloadId::parse_repair(bytes));
    } else {
        const auto id = LdpcRepairPayloadId::parse(bytes);
        parsed = block_fields(id);
        if (parsed) {
            parsed->block_length = id->n; // LDPC needs the true n; RS8M does not carry it
        }
    }
    if (!parsed) {
        return false;
    }
    FecFields f = *parsed;
    f.payload_offset = static_cast<std::uint16_t>(header);
    f.payload_size = static_cast<std::uint16_t>(packet.size - header);
    packet.fec = f;
    packet.flags |= PacketFlag_Fec | PacketFlag_Repair;
    return true;
}

} // namespace rocd::transport::fec
