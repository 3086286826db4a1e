// One datagram through every parser a receive port uses: plain RTP, FEC
// source packets ([RTP | footer]) and repair packets ([header | symbol]) of
// both schemes, and the FEC payload IDs on their own. What a parser accepts
// must describe bytes inside the datagram, and a payload ID composed from
// what was parsed must give back the same bytes.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "transport/fec/fec_packets.h"
#include "transport/fec/payload_id.h"
#include "transport/rtp/parser.h"

namespace {

using namespace rocd::transport;

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

Packet datagram(const std::uint8_t* data, std::size_t size) {
    Packet p;
    p.reset();
    std::memcpy(p.data.data(), data, size);
    p.size = static_cast<std::uint16_t>(size);
    return p;
}

void check_rtp(const Packet& p) {
    require(p.has(PacketFlag_Rtp));
    require(p.rtp.payload_offset >= 12);
    require(std::size_t(p.rtp.begin) + p.rtp.size <= p.size);
    require(std::size_t(p.rtp.payload_offset) + p.rtp.payload_size + p.rtp.padding <=
            std::size_t(p.rtp.begin) + p.rtp.size);
    require(!p.has(PacketFlag_Audio) || p.rtp.duration > 0);
}

void check_fec(const Packet& p) {
    require(p.has(PacketFlag_Fec));
    require(std::size_t(p.fec.payload_offset) + p.fec.payload_size <= p.size);
}

template <class Id> void round_trip(std::span<const std::uint8_t> bytes, const std::optional<Id>& id) {
    if (!id) {
        return;
    }
    std::uint8_t out[Id::size];
    require(id->compose(out));
    require(std::memcmp(out, bytes.data(), Id::size) == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > MaxPacketSize) {
        return -1; // a socket never hands on more (larger datagrams are truncated and dropped)
    }
    const std::span<const std::uint8_t> bytes(data, size);

    Packet plain = datagram(data, size);
    if (rtp::Parser().parse(plain)) {
        check_rtp(plain);
    }
    for (auto scheme : {fec::FecScheme::rs8m, fec::FecScheme::ldpc_staircase}) {
        Packet source = datagram(data, size);
        if (fec::FecSourceParser(scheme).parse(source)) {
            check_rtp(source);
            check_fec(source);
        }
        Packet repair = datagram(data, size);
        if (fec::FecRepairParser(scheme).parse(repair)) {
            check_fec(repair);
            require(repair.has(PacketFlag_Repair));
        }
    }

    round_trip(bytes, fec::Rs8mPayloadId::parse_source(bytes));
    round_trip(bytes, fec::Rs8mPayloadId::parse_repair(bytes));
    round_trip(bytes, fec::LdpcSourcePayloadId::parse(bytes));
    round_trip(bytes, fec::LdpcRepairPayloadId::parse(bytes));
    return 0;
}
