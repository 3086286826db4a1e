#include "fec_capture.h"
#include "transport/fec/fec_scheme.h"

#include <gtest/gtest.h>

namespace rocd::fec {
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
} // namespace rocd::fec
