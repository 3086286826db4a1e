#include "fec_capture.h"
#include "transport/fec/fec_scheme.h"

#include <gtest/gtest.h>

#include <random>

namespace rocd::transport::fec {
namespace {

TEST(FecScheme, maps_roc_uri_schemes) {
    EXPECT_EQ(fec_scheme_from_uri_scheme("rtp+rs8m"), FecScheme::rs8m);
    EXPECT_EQ(fec_scheme_from_uri_scheme("rs8m"), FecScheme::rs8m);
    EXPECT_EQ(fec_scheme_from_uri_scheme("rtp+ldpc"), FecScheme::ldpc_staircase);
    EXPECT_EQ(fec_scheme_from_uri_scheme("ldpc"), FecScheme::ldpc_staircase);
    EXPECT_FALSE(fec_scheme_from_uri_scheme("rtp"));
    EXPECT_FALSE(fec_scheme_from_uri_scheme("rtcp"));
    EXPECT_EQ(source_footer_size(FecScheme::rs8m), 6u);
    EXPECT_EQ(source_footer_size(FecScheme::ldpc_staircase), 6u);
    EXPECT_EQ(repair_header_size(FecScheme::rs8m), 6u);
    EXPECT_EQ(repair_header_size(FecScheme::ldpc_staircase), 8u);
}

// Through the interface only, as the block writer/reader will use it.
TEST(FecScheme, codecs_from_factory_reencode_and_repair_captures) {
    for (auto [scheme, pcap, capture] :
         {std::tuple {FecScheme::rs8m, "rs8m.pcap", test::CaptureScheme::rs8m},
          std::tuple {FecScheme::ldpc_staircase, "ldpc.pcap", test::CaptureScheme::ldpc}}) {
        auto enc = make_block_encoder(scheme);
        auto dec = make_block_decoder(scheme);
        std::size_t checked = 0;
        for (const auto& b : test::load_blocks(pcap, capture)) {
            if (!b.complete()) {
                continue;
            }
            const std::size_t r = b.n - b.k, size = b.symbol_size();
            std::vector<const std::uint8_t*> src;
            for (std::size_t j = 0; j < b.k; j++) {
                src.push_back(b.symbols.at(j).data());
            }
            std::vector<std::vector<std::uint8_t>> rep(r, std::vector<std::uint8_t>(size));
            std::vector<std::uint8_t*> rep_ptrs;
            for (auto& x : rep) {
                rep_ptrs.push_back(x.data());
            }
            ASSERT_TRUE(enc->encode(src, rep_ptrs, size));
            for (std::size_t i = 0; i < r; i++) {
                ASSERT_EQ(rep[i], b.symbols.at(b.k + i)) << pcap;
            }
            // Lose two sources; the repairs come from our own encoder.
            ASSERT_TRUE(dec->begin(b.k, r, size));
            for (std::size_t e = 2; e < b.k; e++) {
                ASSERT_TRUE(dec->add(e, b.symbols.at(e).data()));
            }
            for (std::size_t i = 0; i < r; i++) {
                ASSERT_TRUE(dec->add(b.k + i, rep[i].data()));
            }
            std::vector<std::vector<std::uint8_t>> out(2, std::vector<std::uint8_t>(size));
            std::vector<std::uint8_t*> out_ptrs(b.k, nullptr);
            out_ptrs[0] = out[0].data();
            out_ptrs[1] = out[1].data();
            ASSERT_TRUE(dec->decode(out_ptrs)) << pcap;
            ASSERT_EQ(out[0], b.symbols.at(0));
            ASSERT_EQ(out[1], b.symbols.at(1));
            checked++;
        }
        EXPECT_GE(checked, 20u) << pcap;
    }
}

} // namespace
} // namespace rocd::transport::fec

namespace rocd::transport::fec {
namespace {

// Random shapes, random losses, decoders reused across blocks: a restored
// source is always exact, an unrestored one untouched, and decode() succeeds
// exactly when every missing source was restored. RS8M must succeed iff at
// least k symbols arrived.
TEST(FecScheme, decoders_never_write_garbage_under_random_loss) {
    for (FecScheme scheme : {FecScheme::rs8m, FecScheme::ldpc_staircase}) {
        auto enc = make_block_encoder(scheme);
        auto dec = make_block_decoder(scheme);
        for (std::uint32_t seed = 1; seed <= 300; seed++) {
            std::mt19937 rng(seed);
            const std::size_t k = 2 + rng() % 40;
            const std::size_t r = 7 + rng() % 20;
            const std::size_t size = 1 + rng() % 64;
            std::vector<std::vector<std::uint8_t>> sym(k + r, std::vector<std::uint8_t>(size));
            for (std::size_t j = 0; j < k; j++) {
                for (auto& x : sym[j]) {
                    x = static_cast<std::uint8_t>(rng());
                }
            }
            std::vector<const std::uint8_t*> src;
            std::vector<std::uint8_t*> rep;
            for (std::size_t e = 0; e < k + r; e++) {
                (e < k ? (void)src.push_back(sym[e].data()) : (void)rep.push_back(sym[e].data()));
            }
            ASSERT_TRUE(enc->encode(src, rep, size));
            ASSERT_TRUE(dec->begin(k, r, size));
            const unsigned keep_percent = 40 + rng() % 60;
            std::size_t arrived = 0;
            for (std::size_t e = 0; e < k + r; e++) {
                if (rng() % 100 < keep_percent) {
                    ASSERT_TRUE(dec->add(e, sym[e].data()));
                    ASSERT_TRUE(dec->add(e, sym[e].data())); // duplicates are harmless
                    arrived++;
                }
            }
            std::vector<std::vector<std::uint8_t>> out(k, std::vector<std::uint8_t>(size, 0xEE));
            std::vector<std::uint8_t*> out_ptrs;
            for (auto& o : out) {
                out_ptrs.push_back(o.data());
            }
            const bool ok = bool(dec->decode(out_ptrs));
            bool all = true;
            for (std::size_t j = 0; j < k; j++) {
                if (dec->received(j)) {
                    ASSERT_FALSE(dec->restored(j));
                    ASSERT_EQ(out[j], std::vector<std::uint8_t>(size, 0xEE));
                } else if (dec->restored(j)) {
                    ASSERT_EQ(out[j], sym[j]) << "seed " << seed;
                } else {
                    all = false;
                    ASSERT_EQ(out[j], std::vector<std::uint8_t>(size, 0xEE)) << "seed " << seed;
                }
            }
            ASSERT_EQ(ok, all) << "seed " << seed;
            if (scheme == FecScheme::rs8m) {
                bool none_missing = true;
                for (std::size_t j = 0; j < k; j++) {
                    none_missing = none_missing && dec->received(j);
                }
                ASSERT_EQ(ok, arrived >= k || none_missing) << "seed " << seed;
            }
        }
    }
}

} // namespace
} // namespace rocd::transport::fec
