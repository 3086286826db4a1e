// RTCP packets: every compound in Roc's captures parses and re-composes
// byte for byte; hostile input is refused without harm.
#include <gtest/gtest.h>

#include <random>

#include "pcap.h"
#include "transport/rtcp/packets.h"

namespace rocd::transport {
namespace {

TEST(Rtcp, recomposes_every_captured_report_byte_for_byte) {
    std::size_t sender = 0, receiver = 0;
    for (const char* pcap : {"rtp.pcap", "rs8m.pcap", "ldpc.pcap"}) {
        for (const auto& d : rocd::test::read_pcap_udp(rocd::test::interop_path(pcap))) {
            if (d.dst_port != 10003 && d.src_port != 10003) {
                continue;
            }
            const auto c = rtcp::parse(d.payload);
            ASSERT_TRUE(c) << pcap;
            EXPECT_EQ(c->unknown, 0u);
            std::vector<std::uint8_t> out(2048);
            const std::size_t n = rtcp::compose(*c, out);
            ASSERT_EQ(n, d.payload.size());
            out.resize(n);
            ASSERT_EQ(out, d.payload) << pcap;
            ASSERT_EQ(c->sdes.size(), 1u);
            EXPECT_EQ(c->sdes[0].cname().size(), 36u); // a UUID
            if (d.dst_port == 10003) {
                ++sender;
                ASSERT_TRUE(c->sr);
                EXPECT_EQ(c->sr->octet_count, c->sr->packet_count * 884);
            } else {
                ++receiver;
                ASSERT_TRUE(c->rr);
                ASSERT_TRUE(c->xr);
                ASSERT_EQ(c->rr->blocks.size(), 1u);
                EXPECT_TRUE(c->xr->rrtr && c->xr->measurement && c->xr->delay && c->xr->queue);
                EXPECT_EQ(d.payload.size(), 176u);
            }
        }
    }
    EXPECT_GT(sender, 20u);
    EXPECT_GT(receiver, 20u);
}

TEST(Rtcp, composes_a_bye_and_skips_unknown_packets_and_blocks) {
    rtcp::Compound c;
    c.rr = rtcp::ReceiverReport {7, {rtcp::ReportBlock {9, 25, -3, 70000, 12, 1, 2}}};
    c.bye = rtcp::Bye {{7}, "bye"};
    std::vector<std::uint8_t> out(256);
    std::size_t n = rtcp::compose(c, out);
    ASSERT_GT(n, 0u);
    out.resize(n);
    // An APP packet (204) and an unknown XR block appended: parsed around.
    const std::vector<std::uint8_t> app = {0x80, 204, 0, 2, 0, 0, 0, 7, 'a', 'b', 'c', 'd'};
    out.insert(out.end(), app.begin(), app.end());
    const std::vector<std::uint8_t> xr = {0x80, 207, 0, 3, 0, 0, 0, 7, 99, 0, 0, 1, 1, 2, 3, 4};
    out.insert(out.end(), xr.begin(), xr.end());
    const auto p = rtcp::parse(out);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->unknown, 2u);
    ASSERT_TRUE(p->bye);
    EXPECT_EQ(p->bye->reason, "bye");
    EXPECT_EQ(p->rr->blocks[0].cumulative_lost, -3);
    EXPECT_EQ(p->rr->blocks[0].fraction_lost, 25);
}

// Found by fuzz_rtcp: a report with two DLRR blocks was recomposed with
// both blocks each holding every entry, so each parse and compose doubled it.
TEST(Rtcp, repeated_xr_blocks_recompose_as_one) {
    const std::vector<std::uint8_t> xr = {
        0x80, 207, 0, 15, 0, 0, 0, 7,                         // XR from SSRC 7, 16 words
        5,    0,   0, 3,  0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, // DLRR: one entry
        5,    0,   0, 6,  0, 0, 0, 4, 0, 0, 0, 5, 0, 0, 0, 6, // DLRR: two entries
        0,    0,   0, 7,  0, 0, 0, 8, 0, 0, 0, 9,             //
        4,    0,   0, 2,  0, 0, 0, 0, 0, 0, 0, 1,             // RRTR
    };
    const auto first = rtcp::parse(xr);
    ASSERT_TRUE(first && first->xr);
    ASSERT_EQ(first->xr->dlrr.size(), 3u);
    EXPECT_EQ(first->xr->dlrr[2].dlrr, 9u);
    std::vector<std::uint8_t> once(256), twice(256);
    once.resize(rtcp::compose(*first, once));
    ASSERT_GT(once.size(), 0u);
    const auto second = rtcp::parse(once);
    ASSERT_TRUE(second && second->xr);
    EXPECT_EQ(second->xr->dlrr.size(), 3u);
    twice.resize(rtcp::compose(*second, twice));
    EXPECT_EQ(once, twice);
    EXPECT_EQ(once.size(), xr.size() - 4) << "one DLRR header instead of two";
}

TEST(Rtcp, rejects_truncated_and_inconsistent_packets) {
    const std::vector<std::uint8_t> sr = {0x80, 200, 0, 6, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0,
                                          0,    0,   0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    EXPECT_TRUE(rtcp::parse(sr));
    auto bad = sr;
    bad[0] = 0x40; // V = 1
    EXPECT_FALSE(rtcp::parse(bad));
    bad = sr;
    bad[3] = 7; // length past the end
    EXPECT_FALSE(rtcp::parse(bad));
    bad = sr;
    bad[0] = 0x81; // one report block that is not there
    EXPECT_FALSE(rtcp::parse(bad));
    EXPECT_FALSE(rtcp::parse(std::vector<std::uint8_t> {0x80, 200, 0}));
    EXPECT_FALSE(rtcp::parse(std::vector<std::uint8_t> {}));
}

TEST(Rtcp, survives_a_million_mutated_reports) {
    std::vector<std::vector<std::uint8_t>> seeds;
    for (const auto& d : rocd::test::read_pcap_udp(rocd::test::interop_path("rtp.pcap"))) {
        if (d.dst_port == 10003 || d.src_port == 10003) {
            seeds.push_back(d.payload);
        }
    }
    ASSERT_FALSE(seeds.empty());
    std::mt19937 rng(42);
    std::size_t parsed = 0;
    std::vector<std::uint8_t> buf, out(4096);
    for (int i = 0; i < 1'000'000; ++i) {
        buf = seeds[rng() % seeds.size()];
        const int edits = 1 + int(rng() % 4);
        for (int e = 0; e < edits; ++e) {
            switch (rng() % 4) {
            case 0:
                buf[rng() % buf.size()] = std::uint8_t(rng());
                break;
            case 1:
                buf.resize(rng() % (buf.size() + 1));
                break;
            case 2:
                buf[(rng() % (buf.size() / 4 + 1)) * 4 % std::max<std::size_t>(buf.size(), 1)] ^= 0x1F;
                break;
            default:
                buf.push_back(std::uint8_t(rng()));
                break;
            }
            if (buf.empty()) {
                break;
            }
        }
        if (const auto c = rtcp::parse(buf)) {
            ++parsed;
            // Whatever parses also composes (possibly differently) and parses again.
            const std::size_t n = rtcp::compose(*c, out);
            if (n > 0) {
                ASSERT_TRUE(rtcp::parse(std::span<const std::uint8_t>(out.data(), n))) << "input " << i;
            }
        }
    }
    std::printf("%zu of 1000000 mutated reports parsed\n", parsed);
}

} // namespace
} // namespace rocd::transport
