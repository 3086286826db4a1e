#include "p2p/fleet_proof.h"

#include <algorithm>
#include <cctype>
#include <numeric>

#include <gtest/gtest.h>

namespace rocd::p2p {
namespace {

// Keys and nonce of consecutive bytes; the MACs were computed with Python's
// hmac module, independently of this code (docs/p2p.md §11.1).
struct Inputs {
    Inputs() {
        std::iota(a.begin(), a.end(), 0);
        std::iota(b.begin(), b.end(), 32);
        std::iota(nonce.begin(), nonce.end(), 64);
    }
    RawKey a, b;
    Nonce nonce;
};

constexpr std::string_view secret = "kH3vQ9xT2mW8rB5nL7cJ4pZ6yF1sD0aE";

RawKey raw(std::string_view hex) {
    RawKey key;
    auto bytes = nonce_of_hex(hex); // 32 bytes either way
    EXPECT_TRUE(bytes);
    std::copy(bytes->begin(), bytes->end(), key.begin());
    return key;
}

TEST(FleetProof, reproduces_the_specifications_vectors) {
    // docs/p2p.md §18: the keys; §16.3: the secret; §14.1: the nonces of
    // A's hello and B's hello_reply; §14.5: the two proofs.
    const RawKey pk_a = raw("9a68be0058adff27ab5d43ba3f2019d31d54b73036f9fafed48e0b5b6e2d15c3");
    const RawKey pk_b = raw("4a7dc2229ec84b0cccbf91c5533ba67a31e4cfc36da395b2265599b42f227b47");
    const Nonce hello_a = *nonce_of_hex("3ec20e70cdf595def9a13756241580a6a4f138d6e8cb7e7e9e87ca46428226e0");
    const Nonce hello_b = *nonce_of_hex("323dc93191c5530c1dad53e466a48cea5e78ae63a1846a85a1648994351104fe");
    EXPECT_EQ(fleet_mac(secret, pk_a, pk_b, hello_b),
              "219e7fbca8f4bac6bc057efb19e97f30e407c89bdc7d7381db26667eac4fdbab");
    EXPECT_EQ(fleet_mac(secret, pk_b, pk_a, hello_a),
              "e327647207f2279678011987cebb29b2c3d7ba58ee86d10c9d1866c43e1c25b3");
}

TEST(FleetProof, matches_an_independent_hmac_sha256) {
    Inputs in;
    EXPECT_EQ(fleet_mac(secret, in.a, in.b, in.nonce),
              "bfc3e2cad4f00b101bc25b0e67ab7a881b3325627472917f094530f3008da018");
    EXPECT_EQ(fleet_mac(secret, in.b, in.a, in.nonce),
              "acc82bf2660e3b360668b64fee51e4ee2c235930a3b66f5e43532f20bf3ca1bf")
        << "prover and verifier are not interchangeable";
}

TEST(FleetProof, a_proof_is_good_for_one_secret_one_pair_of_keys_and_one_nonce) {
    Inputs in;
    const std::string mac = fleet_mac(secret, in.a, in.b, in.nonce);
    EXPECT_TRUE(fleet_mac_valid(mac, secret, in.a, in.b, in.nonce));
    EXPECT_FALSE(fleet_mac_valid(mac, "kH3vQ9xT2mW8rB5nL7cJ4pZ6yF1sD0aF", in.a, in.b, in.nonce));
    EXPECT_FALSE(fleet_mac_valid(mac, secret, in.b, in.a, in.nonce)) << "reflected back";
    RawKey c = in.b;
    c[31] ^= 1;
    EXPECT_FALSE(fleet_mac_valid(mac, secret, in.a, c, in.nonce)) << "shown to another verifier";
    Nonce later = in.nonce;
    later[0] ^= 1;
    EXPECT_FALSE(fleet_mac_valid(mac, secret, in.a, in.b, later)) << "replayed after a new hello";
}

TEST(FleetProof, anything_but_64_lowercase_hex_digits_is_no_proof) {
    Inputs in;
    const std::string mac = fleet_mac(secret, in.a, in.b, in.nonce);
    std::string upper = mac;
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    for (const std::string& bad :
         {std::string(), mac.substr(0, 63), mac + "0", upper, std::string(64, 'g'), std::string(64, '\0')}) {
        EXPECT_FALSE(fleet_mac_valid(bad, secret, in.a, in.b, in.nonce)) << bad;
    }
}

} // namespace
} // namespace rocd::p2p
