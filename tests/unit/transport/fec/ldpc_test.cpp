#include "fec_capture.h"
#include "transport/fec/ldpc_decoder.h"
#include "transport/fec/ldpc_encoder.h"
#include "transport/fec/ldpc_matrix.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

namespace rocd::transport::fec {
namespace {

using test::CapturedBlock;
using test::CaptureScheme;
using test::split;

TEST(LdpcPrng, follows_park_miller_sequence) {
    LdpcPrng prng(1);
    prng.next(1);
    EXPECT_EQ(prng.state(), 16807u);
    prng.next(1);
    EXPECT_EQ(prng.state(), 282475249u);
    prng.next(1);
    EXPECT_EQ(prng.state(), 1622650073u);
}

TEST(LdpcMatrix, matches_wire_md_test_vector) {
    LdpcMatrix m;
    ASSERT_TRUE(m.build(18, 10));
    const std::vector<std::vector<std::uint16_t>> want {
        {1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 15, 16},   {0, 4, 5, 7, 9, 10, 11, 12, 14, 15, 16, 17},
        {0, 1, 2, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16, 17}, {1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15},
        {0, 1, 2, 3, 4, 7, 9, 10, 12, 13, 15, 16, 17},   {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 17},
        {3, 6, 7, 8, 10, 12, 13, 14, 15, 16, 17},        {0, 1, 4, 5, 6, 7, 8, 11, 13, 14, 15, 17},
        {0, 1, 2, 3, 5, 6, 8, 10, 12, 14, 16, 17},       {0, 2, 3, 4, 6, 9, 10, 11, 13, 14, 15, 16},
    };
    for (std::size_t i = 0; i < 10; i++) {
        auto row = m.row_sources(i);
        EXPECT_EQ(std::vector<std::uint16_t>(row.begin(), row.end()), want[i]) << "row " << i;
    }
    for (std::size_t j = 0; j < 18; j++) {
        EXPECT_EQ(m.col_rows(j).size(), 7u);
    }
}

TEST(LdpcMatrix, rejects_shapes_openfec_cannot_build) {
    LdpcMatrix m;
    EXPECT_FALSE(m.build(18, 5)); // r < N1: roc-send panics on this one
    EXPECT_FALSE(m.build(1, 10)); // RFC 5170's row-degree fix cannot terminate
    EXPECT_FALSE(m.build(250, 10));
    EXPECT_TRUE(m.build(2, 7));
    EXPECT_TRUE(m.build(200, 55));
}

class LdpcSimdTest : public ::testing::TestWithParam<SimdLevel> {
protected:
    void SetUp() override {
        if (!simd_supported(GetParam())) {
            GTEST_SKIP();
        }
    }
};

TEST_P(LdpcSimdTest, reproduces_captured_repair_packets) {
    LdpcEncoder enc(GetParam());
    std::size_t checked = 0;
    for (const auto& b : test::load_blocks("ldpc.pcap", CaptureScheme::ldpc)) {
        if (!b.complete()) {
            continue;
        }
        ASSERT_EQ(b.k, 18u);
        ASSERT_EQ(b.n, 28u);
        auto blk = split(b);
        std::vector<std::vector<std::uint8_t>> got(10, std::vector<std::uint8_t>(b.symbol_size()));
        std::vector<std::uint8_t*> got_ptrs;
        for (auto& g : got) {
            got_ptrs.push_back(g.data());
        }
        ASSERT_TRUE(enc.encode(blk.source_ptrs, got_ptrs, b.symbol_size()));
        for (std::size_t i = 0; i < 10; i++) {
            ASSERT_EQ(got[i], blk.repairs[i]) << "SBN " << b.sbn << " ESI " << 18 + i;
        }
        checked++;
    }
    EXPECT_GE(checked, 20u);
}

INSTANTIATE_TEST_SUITE_P(AllLevels, LdpcSimdTest,
                         ::testing::Values(SimdLevel::scalar, SimdLevel::ssse3, SimdLevel::avx2,
                                           SimdLevel::gfni),
                         [](const auto& info) { return std::string(simd_name(info.param)); });

Status decode_without(LdpcDecoder& dec, const CapturedBlock& b, const std::vector<std::size_t>& lost,
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

// Whatever the outcome, a restored source is exact and an unrestored one untouched.
void expect_clean(const LdpcDecoder& dec, const CapturedBlock& b, const std::vector<std::size_t>& lost,
                  const std::vector<std::vector<std::uint8_t>>& out) {
    for (std::size_t j = 0; j < b.k; j++) {
        const bool was_lost = std::find(lost.begin(), lost.end(), j) != lost.end();
        if (dec.restored(j)) {
            ASSERT_TRUE(was_lost);
            ASSERT_EQ(out[j], b.symbols.at(j)) << "SBN " << b.sbn << " ESI " << j;
        } else {
            ASSERT_EQ(out[j], std::vector<std::uint8_t>(b.symbol_size(), 0xEE)) << "ESI " << j;
        }
    }
}

// Rank over GF(2) of the parity equations restricted to the columns in `cols`.
std::size_t rank(const LdpcMatrix& m, const std::vector<std::size_t>& cols) {
    std::vector<std::vector<std::uint8_t>> a;
    for (std::size_t i = 0; i < m.r(); i++) {
        std::vector<std::uint8_t> row;
        for (std::size_t c : cols) {
            row.push_back(m.equation(i).test(c) ? 1 : 0);
        }
        a.push_back(row);
    }
    std::size_t rk = 0;
    for (std::size_t c = 0; c < cols.size() && rk < a.size(); c++) {
        auto it = std::find_if(a.begin() + rk, a.end(), [&](const auto& row) { return row[c] != 0; });
        if (it == a.end()) {
            continue;
        }
        std::iter_swap(a.begin() + rk, it);
        for (std::size_t o = 0; o < a.size(); o++) {
            if (o != rk && a[o][c]) {
                for (std::size_t x = 0; x < cols.size(); x++) {
                    a[o][x] ^= a[rk][x];
                }
            }
        }
        rk++;
    }
    return rk;
}

// Independent oracle: lost source j is determined by the received symbols
// iff dropping its column lowers the rank of the unknowns' columns.
bool determined(const LdpcMatrix& m, const std::vector<std::size_t>& lost, std::size_t j) {
    std::vector<std::size_t> without;
    for (std::size_t c : lost) {
        if (c != j) {
            without.push_back(c);
        }
    }
    return rank(m, lost) == rank(m, without) + 1;
}

TEST(LdpcDecoder, restores_exactly_the_sources_the_received_symbols_determine) {
    LdpcDecoder dec;
    LdpcMatrix m;
    ASSERT_TRUE(m.build(18, 10));
    std::mt19937 rng(11);
    std::size_t full = 0, partial = 0;
    for (const auto& b : test::load_blocks("ldpc.pcap", CaptureScheme::ldpc)) {
        if (!b.complete()) {
            continue;
        }
        for (std::size_t drop : {1u, 3u, 6u, 9u, 10u, 12u}) {
            std::vector<std::size_t> esis(b.n);
            std::iota(esis.begin(), esis.end(), 0);
            std::shuffle(esis.begin(), esis.end(), rng);
            std::vector<std::size_t> lost(esis.begin(), esis.begin() + drop);
            std::vector<std::vector<std::uint8_t>> out;
            auto st = decode_without(dec, b, lost, out);
            expect_clean(dec, b, lost, out);
            bool all = true;
            for (std::size_t j : lost) {
                if (j < b.k) {
                    ASSERT_EQ(dec.restored(j), determined(m, lost, j)) << "SBN " << b.sbn << " ESI " << j;
                    all = all && dec.restored(j);
                }
            }
            ASSERT_EQ(bool(st), all);
            (st ? full : partial)++;
        }
    }
    EXPECT_GE(full, 20u * 3);
    EXPECT_GE(partial, 1u);
}

TEST(LdpcDecoder, restores_single_lost_source_by_peeling) {
    LdpcDecoder dec;
    for (const auto& b : test::load_blocks("ldpc.pcap", CaptureScheme::ldpc)) {
        if (!b.complete()) {
            continue;
        }
        for (std::size_t j = 0; j < b.k; j++) {
            std::vector<std::vector<std::uint8_t>> out;
            ASSERT_TRUE(decode_without(dec, b, {j}, out));
            ASSERT_EQ(out[j], b.symbols.at(j));
        }
        break;
    }
}

TEST(LdpcDecoder, needs_elimination_when_peeling_stalls) {
    // Lose 10 sources and no repair: every equation holds several unknown
    // sources, so peeling cannot start; only elimination can decode.
    LdpcDecoder dec;
    std::mt19937 rng(5);
    std::size_t decoded = 0, tries = 0;
    for (const auto& b : test::load_blocks("ldpc.pcap", CaptureScheme::ldpc)) {
        if (!b.complete()) {
            continue;
        }
        std::vector<std::size_t> src(b.k);
        std::iota(src.begin(), src.end(), 0);
        std::shuffle(src.begin(), src.end(), rng);
        std::vector<std::size_t> lost(src.begin(), src.begin() + 8);
        std::vector<std::vector<std::uint8_t>> out;
        auto st = decode_without(dec, b, lost, out);
        expect_clean(dec, b, lost, out);
        tries++;
        decoded += st ? 1 : 0;
    }
    EXPECT_GE(decoded * 2, tries);
}

TEST(LdpcDecoder, fails_cleanly_when_too_many_symbols_are_lost) {
    LdpcDecoder dec;
    for (const auto& b : test::load_blocks("ldpc.pcap", CaptureScheme::ldpc)) {
        if (!b.complete()) {
            continue;
        }
        // 11 of 28 lost (more than r): at least one source must stay unknown.
        std::vector<std::size_t> lost {0, 1, 2, 3, 4, 5, 6, 18, 19, 20, 21};
        std::vector<std::vector<std::uint8_t>> out;
        auto st = decode_without(dec, b, lost, out);
        ASSERT_FALSE(st);
        EXPECT_EQ(st.error().code, Errc::unavailable);
        expect_clean(dec, b, lost, out);
    }
}

TEST(LdpcCodec, round_trips_random_blocks_of_many_shapes) {
    LdpcEncoder enc;
    LdpcDecoder dec;
    std::mt19937 rng(9);
    for (auto [k, r] : std::vector<std::pair<std::size_t, std::size_t>> {
             {2, 7}, {10, 8}, {18, 10}, {20, 8}, {100, 40}, {200, 55}}) {
        const std::size_t size = 1 + rng() % 400;
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
        LdpcMatrix m;
        ASSERT_TRUE(m.build(k, r));
        for (int trial = 0; trial < 20; trial++) {
            std::vector<std::size_t> esis(k + r);
            std::iota(esis.begin(), esis.end(), 0);
            std::shuffle(esis.begin(), esis.end(), rng);
            const std::size_t drop = 1 + rng() % r;
            ASSERT_TRUE(dec.begin(k, r, size));
            for (std::size_t i = drop; i < k + r; i++) {
                ASSERT_TRUE(dec.add(esis[i], sym[esis[i]].data()));
            }
            std::vector<std::vector<std::uint8_t>> out(k, std::vector<std::uint8_t>(size, 0xEE));
            std::vector<std::uint8_t*> out_ptrs;
            for (auto& o : out) {
                out_ptrs.push_back(o.data());
            }
            const bool complete = bool(dec.decode(out_ptrs));
            std::vector<std::size_t> lost(esis.begin(), esis.begin() + static_cast<std::ptrdiff_t>(drop));
            bool all = true;
            for (std::size_t j = 0; j < k; j++) {
                if (!dec.received(j)) {
                    all = all && dec.restored(j);
                    // The oracle is cubic: keep it to the small shapes.
                    if (k + r <= 40) {
                        ASSERT_EQ(dec.restored(j), determined(m, lost, j)) << "k=" << k << " r=" << r;
                    }
                }
                if (dec.restored(j)) {
                    ASSERT_EQ(out[j], sym[j]) << "k=" << k << " r=" << r << " esi=" << j;
                } else if (!dec.received(j)) {
                    ASSERT_EQ(out[j], std::vector<std::uint8_t>(size, 0xEE));
                }
            }
            ASSERT_EQ(complete, all);
        }
    }
}

} // namespace
} // namespace rocd::transport::fec
