// The FEC packet stages of src/transport/fec at Roc's defaults (k = 18,
// r = 10, 896-byte RTP packets): block writer (footer + repair packets) and
// block reader (collect + restore) per source packet.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "transport/fec/block_reader.h"
#include "transport/fec/block_writer.h"
#include "transport/fec/fec_packets.h"
#include "transport/rtp/parser.h"

using namespace rocd;
using namespace rocd::transport;

namespace {

struct Sink final : IPacketWriter {
    void write(Packet& p) override { benchmark::DoNotOptimize(p.size); }
};

struct Collect final : IPacketWriter {
    void write(Packet& p) override { packets.push_back(p); }
    std::vector<Packet> packets;
};

Packet rtp_packet(std::uint16_t seq) {
    Packet p;
    p.reset();
    p.size = 896;
    for (std::size_t i = 0; i < p.size; ++i) {
        p.data[i] = static_cast<std::uint8_t>(i * 7 + seq);
    }
    p.data[0] = 0x80;
    p.data[1] = 10;
    p.data[2] = std::uint8_t(seq >> 8);
    p.data[3] = std::uint8_t(seq);
    return p;
}

void Writer(benchmark::State& state, fec::FecScheme scheme) {
    Sink sink;
    fec::BlockWriter w(sink, scheme, 18, 10, 0);
    Packet p = rtp_packet(0);
    for (auto _ : state) {
        Packet q = p;
        w.write(q);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 896);
}

// Whole blocks with 10 of the 18 sources lost (RS8M) or 4 (LDPC: always decodable there).
void Reader(benchmark::State& state, fec::FecScheme scheme) {
    Collect wire;
    fec::BlockWriter w(wire, scheme, 18, 10, 0);
    for (std::uint16_t i = 0; i < 18 * 64; ++i) {
        Packet p = rtp_packet(i);
        w.write(p);
    }
    fec::FecSourceParser sp(scheme);
    fec::FecRepairParser rp(scheme);
    std::vector<Packet> received;
    const std::size_t lost = scheme == fec::FecScheme::rs8m ? 10 : 4;
    for (std::size_t i = 0; i < wire.packets.size(); ++i) {
        Packet p = wire.packets[i];
        const bool repair = p.has(PacketFlag_Repair);
        if (!repair && i % 28 < lost) {
            continue;
        }
        repair ? rp.parse(p) : sp.parse(p);
        received.push_back(p);
    }
    Sink restored;
    fec::BlockReader r(scheme, restored);
    std::size_t blocks = 0;
    for (auto _ : state) {
        r.reset(); // the same 64 blocks again, from scratch
        for (const Packet& p : received) {
            p.has(PacketFlag_Repair) ? r.add_repair(p) : r.add_source(p);
        }
        blocks += 64;
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(blocks) * 18 * 896);
    state.counters["restored/block"] = double(r.stats().restored) / double(blocks);
}

} // namespace

BENCHMARK_CAPTURE(Writer, rs8m, fec::FecScheme::rs8m);
BENCHMARK_CAPTURE(Writer, ldpc, fec::FecScheme::ldpc_staircase);
BENCHMARK_CAPTURE(Reader, rs8m, fec::FecScheme::rs8m);
BENCHMARK_CAPTURE(Reader, ldpc, fec::FecScheme::ldpc_staircase);

BENCHMARK_MAIN();
