// Packet sequences into a FEC receive stream (packet_sequence.h): the
// source and repair parsers of the sockets, then the receiver pipeline with
// its session table, FEC block reader and decoders, jitter buffer and
// depacketizer, played as the audio thread would. Whatever arrives, the
// audio that comes out is finite and in range.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>

#include <netinet/in.h>

#include "fuzz/packet_sequence.h"
#include "transport/endpoint.h"
#include "transport/fec/fec_packets.h"
#include "transport/receiver_pipeline.h"

namespace {

using namespace rocd::transport;
using namespace std::chrono_literals;

class Wire final : public IPacketReader {
public:
    bool read(Packet& p) override {
        if (packets.empty()) {
            return false;
        }
        p = packets.front();
        packets.pop_front();
        return true;
    }
    std::deque<Packet> packets;
};

address::SocketAddress sender_address(unsigned index) {
    sockaddr_in a {};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(0x7F000001);
    a.sin_port = htons(static_cast<std::uint16_t>(40000 + index));
    return address::SocketAddress::from(reinterpret_cast<const sockaddr*>(&a), sizeof a);
}

ReceiverConfig config(const rocd::fuzz::PacketSequence& seq) {
    const bool ldpc = seq.ldpc;
    ReceiverConfig rc;
    rc.source = *parse_endpoint(ldpc ? "rtp+ldpc://127.0.0.1:10001" : "rtp+rs8m://127.0.0.1:10001",
                                Interface::source);
    rc.target_latency = 20ms;
    rc.max_sessions = 2;
    rc.resampler_backend = seq.speex ? audio::ResamplerBackend::speex : audio::ResamplerBackend::builtin;
    return rc;
}

void play(ReceiverPipeline& pipeline) {
    constexpr std::size_t frames = 220; // 5 ms at 44.1 kHz
    float out[frames * 2];
    pipeline.read(out, frames);
    for (float v : out) {
        if (!std::isfinite(v) || v < -1.0f || v > 1.0f) {
            std::fprintf(stderr, "fuzz: a sample out of [-1, 1]: %g\n", double(v));
            std::abort();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto seq = rocd::fuzz::read_packet_sequence({data, size});
    if (seq.datagrams.empty()) {
        return -1;
    }
    const auto scheme = seq.ldpc ? fec::FecScheme::ldpc_staircase : fec::FecScheme::rs8m;
    const fec::FecSourceParser source_parser(scheme);
    const fec::FecRepairParser repair_parser(scheme);
    Wire wire;
    ReceiverPipeline pipeline(config(seq), wire);

    std::int64_t now_ns = 1'000'000'000;
    for (const auto& d : seq.datagrams) {
        if (d.bytes.size() > MaxPacketSize) {
            continue;
        }
        Packet p;
        p.reset();
        std::memcpy(p.data.data(), d.bytes.data(), d.bytes.size());
        p.size = static_cast<std::uint16_t>(d.bytes.size());
        p.address = sender_address(d.sender);
        p.receive_time_ns = now_ns += 5'000'000; // a 5 ms packet's pace
        if (d.repair ? repair_parser.parse(p) : source_parser.parse(p)) {
            wire.packets.push_back(p);
        }
        if (d.play) {
            play(pipeline);
        }
    }
    play(pipeline);
    (void)pipeline.metrics();
    return 0;
}
