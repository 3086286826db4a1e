#include <gtest/gtest.h>

#include <cstring>

#include "pcap.h"
#include "transport/rtp/composer.h"
#include "transport/rtp/header.h"
#include "transport/rtp/parser.h"
#include "transport/rtp/sequencer.h"

namespace rocd::transport {
namespace {

Packet packet_from(const std::vector<std::uint8_t>& bytes) {
    Packet p;
    p.reset();
    if (!bytes.empty()) {
        std::memcpy(p.data.data(), bytes.data(), bytes.size());
    }
    p.size = static_cast<std::uint16_t>(bytes.size());
    return p;
}

std::vector<rocd::test::UdpDatagram> source_packets(const char* pcap) {
    std::vector<rocd::test::UdpDatagram> out;
    for (auto& d : rocd::test::read_pcap_udp(rocd::test::interop_path(pcap))) {
        if (d.dst_port == 10001) {
            out.push_back(std::move(d));
        }
    }
    return out;
}

TEST(Rtp, parses_every_captured_roc_packet) {
    const auto packets = source_packets("rtp.pcap");
    ASSERT_GT(packets.size(), 300u);
    rtp::Parser parser;
    for (const auto& d : packets) {
        Packet p = packet_from(d.payload);
        ASSERT_TRUE(parser.parse(p));
        EXPECT_TRUE(p.has(PacketFlag_Rtp));
        EXPECT_TRUE(p.has(PacketFlag_Audio));
        EXPECT_EQ(p.size, 896);
        EXPECT_EQ(p.rtp.payload_type, 10);
        EXPECT_EQ(p.rtp.payload_offset, 12);
        EXPECT_EQ(p.rtp.payload_size, 884);
        EXPECT_EQ(p.rtp.duration, 221u);
        EXPECT_FALSE(p.rtp.marker);
    }
}

TEST(Rtp, captured_stream_numbers_packets_like_roc) {
    const auto packets = source_packets("rtp.pcap");
    rtp::Parser parser;
    Packet first = packet_from(packets[0].payload);
    ASSERT_TRUE(parser.parse(first));
    for (std::size_t i = 1; i < packets.size(); ++i) {
        Packet p = packet_from(packets[i].payload);
        ASSERT_TRUE(parser.parse(p));
        EXPECT_EQ(p.rtp.ssrc, first.rtp.ssrc);
        EXPECT_EQ(p.rtp.seqnum, static_cast<std::uint16_t>(first.rtp.seqnum + i));
        EXPECT_EQ(p.rtp.timestamp, static_cast<std::uint32_t>(first.rtp.timestamp + 221 * i));
    }
}

TEST(Rtp, recomposes_captured_packets_byte_exact) {
    for (const char* pcap : {"rtp.pcap", "rs8m.pcap", "ldpc.pcap"}) {
        const std::size_t footer = std::string(pcap) == "rtp.pcap" ? 0 : 6;
        rtp::Parser parser(footer);
        for (const auto& d : source_packets(pcap)) {
            Packet in = packet_from(d.payload);
            ASSERT_TRUE(parser.parse(in)) << pcap;
            Packet out;
            out.reset();
            out.rtp = in.rtp;
            ASSERT_TRUE(rtp::Composer::prepare(out, in.rtp.payload_size, in.rtp.padding));
            std::memcpy(out.rtp_payload().data(), in.rtp_payload().data(), in.rtp.payload_size);
            rtp::Composer::compose(out);
            ASSERT_EQ(out.size + footer, d.payload.size());
            ASSERT_EQ(0, std::memcmp(out.data.data(), d.payload.data(), out.size)) << pcap;
        }
    }
}

TEST(Rtp, sequencer_steps_seq_and_timestamp_with_wrap) {
    rtp::Sequencer seq(10, 0x11223344, 0xffff, 0xffffff00);
    Packet p;
    p.reset();
    seq.next(p, 221);
    EXPECT_EQ(p.rtp.seqnum, 0xffff);
    EXPECT_EQ(p.rtp.timestamp, 0xffffff00u);
    seq.next(p, 221);
    EXPECT_EQ(p.rtp.seqnum, 0);
    EXPECT_EQ(p.rtp.timestamp, static_cast<std::uint32_t>(0xffffff00u + 221));
    EXPECT_EQ(p.rtp.ssrc, 0x11223344u);
}

TEST(Rtp, random_sequencer_never_uses_ssrc_zero) {
    for (int i = 0; i < 100; ++i) {
        EXPECT_NE(rtp::Sequencer(10).ssrc(), 0u);
    }
}

TEST(Rtp, composes_padding_with_count_in_last_byte) {
    Packet p;
    p.reset();
    p.rtp.payload_type = 10;
    p.rtp.seqnum = 7;
    p.rtp.timestamp = 8;
    p.rtp.ssrc = 9;
    ASSERT_TRUE(rtp::Composer::prepare(p, 8, 4));
    std::memset(p.rtp_payload().data(), 0xAA, 8);
    rtp::Composer::compose(p);
    EXPECT_EQ(p.size, 24);
    EXPECT_EQ(p.data[0], 0xA0); // V=2, P=1
    EXPECT_EQ(p.data[23], 4);
    EXPECT_EQ(p.data[20], 0);

    Packet q = p;
    rtp::Parser parser;
    ASSERT_TRUE(parser.parse(q));
    EXPECT_EQ(q.rtp.payload_size, 8);
    EXPECT_EQ(q.rtp.padding, 4);
    EXPECT_EQ(q.rtp.duration, 2u);
}

TEST(Rtp, skips_csrc_and_extension) {
    std::vector<std::uint8_t> b = {0x92, 0x0a, 0,    1,   0, 0, 0, 2, 0, 0, 0, 3, // V=2 X=1 CC=2
                                   1,    1,    1,    1,   2, 2, 2, 2,             // CSRCs
                                   0xbe, 0xde, 0,    1,   9, 9, 9, 9,             // ext, 1 word
                                   0x10, 0x00, 0x20, 0x00};                       // 1 stereo frame
    Packet p = packet_from(b);
    rtp::Parser parser;
    ASSERT_TRUE(parser.parse(p));
    EXPECT_EQ(p.rtp.payload_offset, 28);
    EXPECT_EQ(p.rtp.payload_size, 4);
    EXPECT_EQ(p.rtp.duration, 1u);
}

TEST(Rtp, rejects_malformed_headers) {
    rtp::Parser parser;
    const std::vector<std::vector<std::uint8_t>> bad = {
        {},
        {0x80, 0x0a, 0, 1},                                     // truncated
        {0x40, 0x0a, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3},             // V=1
        {0x81, 0x0a, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3},             // CSRC missing
        {0x90, 0x0a, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0},       // ext header truncated
        {0x90, 0x0a, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 5}, // ext longer than packet
        {0xa0, 0x0a, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3},             // padding, no room
        {0xa0, 0x0a, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 0},       // pad count 0
        {0xa0, 0x0a, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 9},       // pad count > payload
    };
    for (const auto& b : bad) {
        Packet p = packet_from(b);
        EXPECT_FALSE(parser.parse(p)) << "size " << b.size();
        EXPECT_FALSE(p.has(PacketFlag_Rtp));
    }
}

TEST(Rtp, unknown_payload_type_or_odd_payload_is_not_audio) {
    rtp::Parser parser;
    Packet p = packet_from({0x80, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4});
    ASSERT_TRUE(parser.parse(p));
    EXPECT_FALSE(p.has(PacketFlag_Audio));
    Packet q = packet_from({0x80, 0x0a, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3});
    ASSERT_TRUE(parser.parse(q));
    EXPECT_FALSE(q.has(PacketFlag_Audio));
}

} // namespace
} // namespace rocd::transport
