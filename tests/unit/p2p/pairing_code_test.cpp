#include "p2p/pairing_code.h"

#include <gtest/gtest.h>

#include "core/hex.h"

namespace rocd::p2p {
namespace {

RawKey raw(std::string_view hex) {
    auto bytes = nonce_of_hex(hex); // 32 bytes either way
    EXPECT_TRUE(bytes);
    RawKey key;
    std::copy(bytes->begin(), bytes->end(), key.begin());
    return key;
}

// The test vectors of docs/p2p.md §18 and §14.6.
const RawKey pk_a = raw("9a68be0058adff27ab5d43ba3f2019d31d54b73036f9fafed48e0b5b6e2d15c3");
const RawKey pk_b = raw("4a7dc2229ec84b0cccbf91c5533ba67a31e4cfc36da395b2265599b42f227b47");
const Nonce nonce_a = *nonce_of_hex("dde329f23911483da12c0edf68474ba083a7f784372efe603375336e76a160be");
const Nonce nonce_b = *nonce_of_hex("381e695b3bdfce6aa5636f7fc7b44a9e7ab3854a470b16702479c3894d001d03");

TEST(PairingCode, reproduces_the_specifications_vectors_from_either_side) {
    EXPECT_EQ(commitment_of(nonce_a), "99e2bad6ea00967d572c7bafd1f230b89ca87786f6be7ebfbbfa1e3dba6d9ac2");
    EXPECT_EQ(to_hex(pairing_digest(pk_a, pk_b, nonce_a, nonce_b)),
              "24aba9d7b8636921b41674c2682e442517cdaff88e1320a3ee72e63cd89b732f");
    EXPECT_EQ(pairing_code(pk_a, pk_b, nonce_a, nonce_b), "229911");
    EXPECT_EQ(pairing_code(pk_b, pk_a, nonce_a, nonce_b), "229911");
    // Another key (a man in the middle's) or nonce: another code.
    EXPECT_NE(pairing_code(pk_a, pk_a, nonce_a, nonce_b), "229911");
    EXPECT_NE(pairing_code(pk_a, pk_b, nonce_b, nonce_a), "229911");
}

TEST(PairingCode, nonces_are_64_lowercase_hex_digits_and_codes_compare_exactly) {
    EXPECT_FALSE(nonce_of_hex("DDE329F23911483DA12C0EDF68474BA083A7F784372EFE603375336E76A160BE"));
    EXPECT_FALSE(nonce_of_hex("dde3"));
    EXPECT_FALSE(nonce_of_hex(std::string(64, 'g')));
    EXPECT_NE(random_nonce(), random_nonce());
    EXPECT_TRUE(same_code("229911", "229911"));
    EXPECT_FALSE(same_code("229912", "229911"));
    EXPECT_FALSE(same_code("22991", "229911"));
    EXPECT_FALSE(same_code("", "229911"));
}

} // namespace
} // namespace rocd::p2p
