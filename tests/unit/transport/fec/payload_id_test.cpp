#include "transport/fec/payload_id.h"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

namespace rocd::transport::fec {
namespace {

TEST(Rs8mPayloadId, parses_captured_source_footer) {
    const std::array<std::uint8_t, 6> bytes {0x00, 0x31, 0x77, 0x00, 0x00, 0x12};
    auto id = Rs8mPayloadId::parse_source(bytes);
    ASSERT_TRUE(id);
    EXPECT_EQ(id->sbn, 12663u);
    EXPECT_EQ(id->esi, 0);
    EXPECT_EQ(id->k, 18);
    EXPECT_FALSE(Rs8mPayloadId::parse_repair(bytes));
}

TEST(Rs8mPayloadId, composes_what_it_parses) {
    Rs8mPayloadId id {0xABCDEF, 20, 18};
    std::array<std::uint8_t, 6> out {};
    ASSERT_TRUE(id.compose(out));
    EXPECT_EQ(out, (std::array<std::uint8_t, 6> {0xAB, 0xCD, 0xEF, 20, 0, 18}));
    auto back = Rs8mPayloadId::parse_repair(out);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->sbn, id.sbn);
    EXPECT_EQ(back->esi, id.esi);
    EXPECT_EQ(back->k, id.k);
}

TEST(Rs8mPayloadId, rejects_truncated_and_inconsistent_ids) {
    const std::array<std::uint8_t, 5> short_id {0, 0, 1, 0, 0};
    EXPECT_FALSE(Rs8mPayloadId::parse_source(short_id));
    const std::array<std::uint8_t, 6> k_zero {0, 0, 1, 0, 0, 0};
    EXPECT_FALSE(Rs8mPayloadId::parse_source(k_zero));
    const std::array<std::uint8_t, 6> k_255 {0, 0, 1, 0, 0, 255};
    EXPECT_FALSE(Rs8mPayloadId::parse_source(k_255));
    const std::array<std::uint8_t, 6> big_k {0, 0, 1, 0, 1, 0};
    EXPECT_FALSE(Rs8mPayloadId::parse_source(big_k));
    const std::array<std::uint8_t, 6> esi_255 {0, 0, 1, 255, 0, 18};
    EXPECT_FALSE(Rs8mPayloadId::parse_repair(esi_255));
    std::array<std::uint8_t, 6> out {};
    EXPECT_FALSE((Rs8mPayloadId {0x1000000, 0, 18}.compose(out)));
    EXPECT_FALSE((Rs8mPayloadId {1, 0, 0}.compose(out)));
    std::array<std::uint8_t, 5> small {};
    EXPECT_FALSE((Rs8mPayloadId {1, 0, 18}.compose(small)));
}

TEST(LdpcPayloadId, parses_captured_repair_header) {
    const std::array<std::uint8_t, 8> bytes {0xea, 0x34, 0x00, 0x12, 0x00, 0x12, 0x00, 0x1c};
    auto id = LdpcRepairPayloadId::parse(bytes);
    ASSERT_TRUE(id);
    EXPECT_EQ(id->sbn, 59956);
    EXPECT_EQ(id->esi, 18);
    EXPECT_EQ(id->k, 18);
    EXPECT_EQ(id->n, 28);
    std::array<std::uint8_t, 8> out {};
    ASSERT_TRUE(id->compose(out));
    EXPECT_EQ(out, bytes);
}

TEST(LdpcPayloadId, round_trips_source_footer) {
    LdpcSourcePayloadId id {0xBEEF, 17, 18};
    std::array<std::uint8_t, 6> out {};
    ASSERT_TRUE(id.compose(out));
    EXPECT_EQ(out, (std::array<std::uint8_t, 6> {0xBE, 0xEF, 0, 17, 0, 18}));
    auto back = LdpcSourcePayloadId::parse(out);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->sbn, id.sbn);
    EXPECT_EQ(back->esi, id.esi);
    EXPECT_EQ(back->k, id.k);
}

TEST(LdpcPayloadId, rejects_truncated_and_inconsistent_ids) {
    EXPECT_FALSE(LdpcSourcePayloadId::parse(std::array<std::uint8_t, 5> {}));
    EXPECT_FALSE(LdpcSourcePayloadId::parse(std::array<std::uint8_t, 6> {0, 1, 0, 0, 0, 0}));   // k = 0
    EXPECT_FALSE(LdpcSourcePayloadId::parse(std::array<std::uint8_t, 6> {0, 1, 0, 18, 0, 18})); // esi = k
    EXPECT_FALSE(LdpcRepairPayloadId::parse(std::array<std::uint8_t, 7> {}));
    EXPECT_FALSE(
        LdpcRepairPayloadId::parse(std::array<std::uint8_t, 8> {0, 1, 0, 18, 0, 18, 0, 18})); // n = k
    EXPECT_FALSE(
        LdpcRepairPayloadId::parse(std::array<std::uint8_t, 8> {0, 1, 0, 17, 0, 18, 0, 28})); // esi < k
    EXPECT_FALSE(
        LdpcRepairPayloadId::parse(std::array<std::uint8_t, 8> {0, 1, 0, 28, 0, 18, 0, 28})); // esi = n
    std::array<std::uint8_t, 8> out {};
    EXPECT_FALSE((LdpcRepairPayloadId {1, 10, 18, 28}.compose(out)));
    EXPECT_FALSE((LdpcSourcePayloadId {1, 18, 18}.compose(out)));
}

// Randomised inputs: whatever the bytes, a parser either rejects them or
// returns fields that satisfy the invariants and compose back to the bytes.
TEST(PayloadIdFuzz, parsers_accept_only_consistent_ids) {
    std::vector<std::uint8_t> buf(10);
    std::size_t inputs = 0;
    for (std::uint32_t seed = 1; seed <= 16; seed++) {
        std::mt19937 rng(seed);
        for (int i = 0; i < 70000; i++, inputs++) {
            const std::size_t len = rng() % 10;
            for (auto& b : buf) {
                // Mostly small values so that valid IDs are common too.
                b = static_cast<std::uint8_t>((rng() & 3) == 0 ? rng() : rng() % 32);
            }
            std::span<const std::uint8_t> in(buf.data(), len);
            std::array<std::uint8_t, 8> out {};
            if (auto id = Rs8mPayloadId::parse_source(in)) {
                ASSERT_GE(len, 6u);
                ASSERT_TRUE(id->k > 0 && id->k < 255 && id->esi < id->k);
                ASSERT_TRUE(id->compose(out));
                ASSERT_TRUE(std::equal(out.begin(), out.begin() + 6, in.begin()));
            }
            if (auto id = Rs8mPayloadId::parse_repair(in)) {
                ASSERT_GE(len, 6u);
                ASSERT_TRUE(id->k > 0 && id->esi >= id->k && id->esi < 255);
                ASSERT_TRUE(id->compose(out));
                ASSERT_TRUE(std::equal(out.begin(), out.begin() + 6, in.begin()));
            }
            if (auto id = LdpcSourcePayloadId::parse(in)) {
                ASSERT_GE(len, 6u);
                ASSERT_TRUE(id->k > 0 && id->esi < id->k);
                ASSERT_TRUE(id->compose(out));
                ASSERT_TRUE(std::equal(out.begin(), out.begin() + 6, in.begin()));
            }
            if (auto id = LdpcRepairPayloadId::parse(in)) {
                ASSERT_GE(len, 8u);
                ASSERT_TRUE(id->k > 0 && id->n > id->k && id->esi >= id->k && id->esi < id->n);
                ASSERT_TRUE(id->compose(out));
                ASSERT_TRUE(std::equal(out.begin(), out.begin() + 8, in.begin()));
            }
        }
    }
    EXPECT_GE(inputs, 1000000u);
}

} // namespace
} // namespace rocd::transport::fec
