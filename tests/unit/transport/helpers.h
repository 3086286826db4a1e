// Small fakes and file helpers shared by the transport tests.
#pragma once

#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include <sndfile.h>

#include "pcap.h"
#include "transport/packet/packet_io.h"
#include "transport/rtp/parser.h"

namespace rocd::transport::test {

/// Interleaved float samples of a sound file, and its format.
struct Audio {
    std::vector<float> samples;
    int rate = 0;
    int channels = 0;
    std::size_t frames() const { return channels ? samples.size() / channels : 0; }
};

inline Audio read_wav(const std::string& path) {
    Audio a;
    SF_INFO info {};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    if (f == nullptr) {
        return a;
    }
    a.rate = info.samplerate;
    a.channels = info.channels;
    a.samples.resize(static_cast<std::size_t>(info.frames * info.channels));
    sf_readf_float(f, a.samples.data(), info.frames);
    sf_close(f);
    return a;
}

/// Packets in, packets out, in order: a test's wire.
class PacketQueue final : public IPacketWriter, public IPacketReader {
public:
    void write(Packet& p) override { packets.push_back(p); }
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

inline Packet packet_from(const std::vector<std::uint8_t>& bytes) {
    Packet p;
    p.reset();
    if (!bytes.empty()) {
        std::memcpy(p.data.data(), bytes.data(), bytes.size());
    }
    p.size = static_cast<std::uint16_t>(bytes.size());
    return p;
}

/// The parsed source packets (port 10001) of a capture.
inline std::vector<Packet> captured_packets(const char* pcap, std::size_t footer = 0) {
    std::vector<Packet> out;
    rtp::Parser parser(footer);
    for (const auto& d : rocd::test::read_pcap_udp(rocd::test::interop_path(pcap))) {
        if (d.dst_port != 10001) {
            continue;
        }
        Packet p = packet_from(d.payload);
        if (parser.parse(p)) {
            out.push_back(p);
        }
    }
    return out;
}

} // namespace rocd::transport::test
