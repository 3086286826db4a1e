// The input format of the receiver harness: datagrams as they would reach
// a receive stream's source and repair ports, one record each, so that the
// fuzzer mutates packet sequences and not one long byte string.
//
//   [scheme]  then records  [tag][size: 2 bytes, big-endian][datagram]
//
// scheme: bit 0 set = LDPC-Staircase (else RS8M), bit 1 set = the speex
// resampler (else the builtin one, much cheaper to set up). tag: bit 0 repair port,
// bits 1-2 which of four sender addresses, bit 3 play 5 ms of audio after
// this packet. A last record shorter than its size takes what is left.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rocd::fuzz {

struct Datagram {
    bool repair = false;
    unsigned sender = 0;
    bool play = false;
    std::span<const std::uint8_t> bytes;
};

struct PacketSequence {
    bool ldpc = false;
    bool speex = false;
    std::vector<Datagram> datagrams;
};

inline PacketSequence read_packet_sequence(std::span<const std::uint8_t> in) {
    PacketSequence seq;
    if (in.empty()) {
        return seq;
    }
    seq.ldpc = (in[0] & 1) != 0;
    seq.speex = (in[0] & 2) != 0;
    std::size_t at = 1;
    while (at + 3 <= in.size()) {
        const std::uint8_t tag = in[at];
        std::size_t size = std::size_t(in[at + 1]) << 8 | in[at + 2];
        at += 3;
        size = std::min(size, in.size() - at);
        seq.datagrams.push_back({(tag & 1) != 0, (tag >> 1) & 3u, (tag & 8) != 0, in.subspan(at, size)});
        at += size;
    }
    return seq;
}

/// Appends one record (the seed corpus is written with it).
inline void write_datagram(std::vector<std::uint8_t>& out, const Datagram& d) {
    out.push_back(static_cast<std::uint8_t>((d.repair ? 1 : 0) | (d.sender & 3) << 1 | (d.play ? 8 : 0)));
    out.push_back(static_cast<std::uint8_t>(d.bytes.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(d.bytes.size()));
    out.insert(out.end(), d.bytes.begin(), d.bytes.end());
}

} // namespace rocd::fuzz
