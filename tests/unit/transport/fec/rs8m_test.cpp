#include "fec_capture.h"
#include "transport/fec/rs8m_decoder.h"
#include "transport/fec/rs8m_encoder.h"
#include "transport/fec/rs8m_matrix.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

namespace rocd::transport::fec {
namespace {

using test::CapturedBlock;
using test::CaptureScheme;
using test::split;

std::vector<std::uint8_t> row(Rs8mMatrix& m, std::size_t k, std::size_t esi) {
    EXPECT_TRUE(m.prepare(k));
    const std::uint8_t* r = m.repair_row(k, esi);
    return {r, r + k};
}

TEST(Rs8mMatrix, matches_wire_md_test_vectors) {
    Rs8mMatrix m;
    EXPECT_EQ(row(m, 2, 2), (std::vector<std::uint8_t> {0x03, 0x02}));
    EXPECT_EQ(row(m, 2, 3), (std::vector<std::uint8_t> {0x05, 0x04}));
    EXPECT_EQ(row(m, 3, 3), (std::vector<std::uint8_t> {0x0f, 0x08, 0x06}));
    EXPECT_EQ(row(m, 3, 4), (std::vector<std::uint8_t> {0x2d, 0x30, 0x1c}));
    EXPECT_EQ(row(m, 18, 18),
              (std::vector<std::uint8_t> {0xe7, 0x92, 0x4b, 0x08, 0x28, 0x63, 0xce, 0x9c, 0xd5, 0x09, 0xf9,
                                          0x2e, 0xe9, 0x46, 0xd3, 0xa2, 0x15, 0xee}));
    EXPECT_EQ(row(m, 18, 19),
              (std::vector<std::uint8_t> {0xd4, 0x8d, 0x9b, 0x68, 0xa7, 0x8e, 0x11, 0x3e, 0xa4, 0x18, 0x01,
                                          0x08, 0x60, 0xb2, 0x20, 0x94, 0x95, 0xeb}));
    EXPECT_EQ(row(m, 18, 20),
              (std::vector<std::uint8_t> {0xbb, 0x6d, 0xfe, 0x90, 0x4f, 0xf3, 0x2d, 0x37, 0xa0, 0x44, 0x2a,
                                          0x66, 0x2c, 0x78, 0x6c, 0x77, 0xe2, 0x1a}));
    EXPECT_EQ(row(m, 1, 1), (std::vector<std::uint8_t> {1}));
    EXPECT_EQ(row(m, 1, 254), (std::vector<std::uint8_t> {1}));
}

void expect_reencodes_capture(const std::string& pcap, std::size_t k, std::size_t r, SimdLevel simd) {
    Rs8mEncoder enc(simd);
    std::size_t checked = 0;
    for (const auto& b : test::load_blocks(pcap, CaptureScheme::rs8m)) {
        if (!b.complete()) {
            continue;
        }
        ASSERT_EQ(b.k, k);
        ASSERT_EQ(b.n, k + r);
        auto blk = split(b);
        std::vector<std::vector<std::uint8_t>> got(r, std::vector<std::uint8_t>(b.symbol_size()));
        std::vector<std::uint8_t*> got_ptrs;
        for (auto& g : got) {
            got_ptrs.push_back(g.data());
        }
        ASSERT_TRUE(enc.encode(blk.source_ptrs, got_ptrs, b.symbol_size()));
        for (std::size_t i = 0; i < r; i++) {
            ASSERT_EQ(got[i], blk.repairs[i]) << pcap << " SBN " << b.sbn << " ESI " << k + i;
        }
        checked++;
    }
    EXPECT_GE(checked, 20u) << pcap;
}

class Rs8mSimdTest : public ::testing::TestWithParam<SimdLevel> {
protected:
    void SetUp() override {
        if (!simd_supported(GetParam())) {
            GTEST_SKIP();
        }
    }
};

TEST_P(Rs8mSimdTest, reproduces_captured_repair_packets_k18_r10) {
    expect_reencodes_capture("rs8m.pcap", 18, 10, GetParam());
}

TEST_P(Rs8mSimdTest, reproduces_captured_repair_packets_k10_r5) {
    expect_reencodes_capture("rs8m-k10r5.pcap", 10, 5, GetParam());
}

INSTANTIATE_TEST_SUITE_P(AllLevels, Rs8mSimdTest,
                         ::testing::Values(SimdLevel::scalar, SimdLevel::ssse3, SimdLevel::avx2,
                                           SimdLevel::gfni),
                         [](const auto& info) { return std::string(simd_name(info.param)); });

// Drops `lost` (ESIs) from a captured block and decodes the rest.
Status decode_without(Rs8mDecoder& dec, const CapturedBlock& b, const std::vector<std::size_t>& lost,
                      std::vector<std::vector<std::uint8_t>>& out) {
    EXPECT_TRUE(dec.begin(b.k, b.n - b.k, b.symbol_size()));
    for (const auto& [esi, sym] : b.symbols) {
        if (std::find(lost.begin(), lost.end(), esi) == lost.end()) {
            EXPECT_TRUE(dec.add(esi, sym.data()));
        }
    }
    out.assign(b.k, std::vector<std::uint8_t>(b.symbol_size(), 0xEE));
    std::vector<std::uint8_t*> ptrs;
    for (auto& o : out) {
        ptrs.push_back(o.data());
    }
    return dec.decode(ptrs);
}

TEST(Rs8mDecoder, restores_lost_packets_from_repair) {
    Rs8mDecoder dec;
    std::mt19937 rng(7);
    std::size_t checked = 0;
    for (const auto& b : test::load_blocks("rs8m.pcap", CaptureScheme::rs8m)) {
        if (!b.complete()) {
            continue;
        }
        // Any r of the k + r symbols may go: sources, repairs or a mix.
        std::vector<std::size_t> esis(b.n);
        std::iota(esis.begin(), esis.end(), 0);
        std::shuffle(esis.begin(), esis.end(), rng);
        const std::size_t drop = 1 + rng() % (b.n - b.k);
        std::vector<std::size_t> lost(esis.begin(), esis.begin() + drop);
        std::vector<std::vector<std::uint8_t>> out;
        ASSERT_TRUE(decode_without(dec, b, lost, out)) << "SBN " << b.sbn;
        for (std::size_t j = 0; j < b.k; j++) {
            if (std::find(lost.begin(), lost.end(), j) != lost.end()) {
                ASSERT_TRUE(dec.restored(j));
                ASSERT_EQ(out[j], b.symbols.at(j)) << "SBN " << b.sbn << " ESI " << j;
            } else {
                ASSERT_FALSE(dec.restored(j));
            }
        }
        checked++;
    }
    EXPECT_GE(checked, 20u);
}

// As Roc's receiver does: n is not on the wire, so the block is opened as
// k + (255 - k); the restored symbol plus a composed footer is the datagram
// that was lost.
TEST(Rs8mDecoder, restores_captured_datagram_with_block_opened_as_n_255) {
    const auto datagrams = rocd::test::read_pcap_udp(rocd::test::interop_path("rs8m.pcap"));
    Rs8mDecoder dec;
    std::size_t checked = 0;
    for (const auto& b : test::load_blocks("rs8m.pcap", CaptureScheme::rs8m)) {
        if (!b.complete()) {
            continue;
        }
        const std::size_t lost = checked % b.k;
        ASSERT_TRUE(dec.begin(b.k, 255 - b.k, b.symbol_size()));
        for (const auto& [esi, sym] : b.symbols) {
            if (esi != lost) {
                ASSERT_TRUE(dec.add(esi, sym.data()));
            }
        }
        std::vector<std::uint8_t> restored(b.symbol_size() + Rs8mPayloadId::size);
        std::vector<std::uint8_t*> out(b.k, nullptr);
        out[lost] = restored.data();
        ASSERT_TRUE(dec.decode(out));
        ASSERT_TRUE(
            (Rs8mPayloadId {b.sbn, static_cast<std::uint8_t>(lost), static_cast<std::uint16_t>(b.k)}.compose(
                std::span(restored).subspan(b.symbol_size()))));
        const bool found = std::any_of(datagrams.begin(), datagrams.end(), [&](const auto& d) {
            return d.dst_port == 10001 && d.payload == restored;
        });
        ASSERT_TRUE(found) << "SBN " << b.sbn << " ESI " << lost;
        checked++;
    }
    EXPECT_GE(checked, 20u);
}

TEST(Rs8mDecoder, restores_first_sources_with_all_repairs_k10_r5) {
    Rs8mDecoder dec(SimdLevel::scalar);
    for (const auto& b : test::load_blocks("rs8m-k10r5.pcap", CaptureScheme::rs8m)) {
        if (!b.complete()) {
            continue;
        }
        std::vector<std::vector<std::uint8_t>> out;
        ASSERT_TRUE(decode_without(dec, b, {0, 1, 2, 3, 4}, out));
        for (std::size_t j = 0; j < 5; j++) {
            ASSERT_EQ(out[j], b.symbols.at(j));
        }
    }
}

TEST(Rs8mDecoder, fails_cleanly_when_too_many_symbols_are_lost) {
    Rs8mDecoder dec;
    for (const auto& b : test::load_blocks("rs8m.pcap", CaptureScheme::rs8m)) {
        if (!b.complete()) {
            continue;
        }
        // r + 1 losses: 3 sources and 8 repairs.
        std::vector<std::vector<std::uint8_t>> out;
        auto st = decode_without(dec, b, {0, 5, 17, 18, 19, 20, 21, 22, 23, 24, 25}, out);
        ASSERT_FALSE(st);
        EXPECT_EQ(st.error().code, Errc::unavailable);
        for (std::size_t j = 0; j < b.k; j++) {
            EXPECT_FALSE(dec.restored(j));
            EXPECT_EQ(out[j], std::vector<std::uint8_t>(b.symbol_size(), 0xEE));
        }
        break;
    }
}

TEST(Rs8mCodec, round_trips_every_shape_of_random_data) {
    Rs8mEncoder enc;
    Rs8mDecoder dec;
    std::mt19937 rng(3);
    for (std::size_t k : {1u, 2u, 3u, 18u, 60u, 200u}) {
        for (std::size_t r : {1u, 5u, 10u, 54u}) {
            if (k + r > 255) {
                continue;
            }
            const std::size_t size = 1 + rng() % 300;
            std::vector<std::vector<std::uint8_t>> sym(k + r, std::vector<std::uint8_t>(size));
            for (std::size_t j = 0; j < k; j++) {
                for (auto& x : sym[j]) {
                    x = std::uint8_t(rng());
                }
            }
            std::vector<const std::uint8_t*> src;
            std::vector<std::uint8_t*> rep;
            for (std::size_t j = 0; j < k + r; j++) {
                (j < k ? (void)src.push_back(sym[j].data()) : (void)rep.push_back(sym[j].data()));
            }
            ASSERT_TRUE(enc.encode(src, rep, size));
            std::vector<std::size_t> esis(k + r);
            std::iota(esis.begin(), esis.end(), 0);
            std::shuffle(esis.begin(), esis.end(), rng);
            ASSERT_TRUE(dec.begin(k, r, size));
            for (std::size_t i = r; i < k + r; i++) {
                ASSERT_TRUE(dec.add(esis[i], sym[esis[i]].data()));
            }
            std::vector<std::vector<std::uint8_t>> out(k, std::vector<std::uint8_t>(size));
            std::vector<std::uint8_t*> out_ptrs;
            for (auto& o : out) {
                out_ptrs.push_back(o.data());
            }
            ASSERT_TRUE(dec.decode(out_ptrs)) << "k=" << k << " r=" << r;
            for (std::size_t j = 0; j < k; j++) {
                if (!dec.received(j)) {
                    ASSERT_EQ(out[j], sym[j]) << "k=" << k << " r=" << r << " esi=" << j;
                }
            }
        }
    }
}

TEST(Rs8mCodec, rejects_impossible_block_shapes) {
    Rs8mEncoder enc;
    std::vector<std::uint8_t> buf(16);
    std::vector<const std::uint8_t*> src(250, buf.data());
    std::vector<std::uint8_t> rbuf(16 * 6);
    std::vector<std::uint8_t*> rep;
    for (int i = 0; i < 6; i++) {
        rep.push_back(rbuf.data() + 16 * i);
    }
    EXPECT_FALSE(enc.encode(src, rep, 16));
    EXPECT_FALSE(enc.encode({}, rep, 16));
    Rs8mDecoder dec;
    EXPECT_FALSE(dec.begin(0, 10, 896));
    EXPECT_FALSE(dec.begin(250, 10, 896));
    EXPECT_FALSE(dec.begin(18, 10, 4096));
    ASSERT_TRUE(dec.begin(18, 10, 896));
    EXPECT_FALSE(dec.add(28, buf.data()));
}

} // namespace
} // namespace rocd::transport::fec
