#include "p2p/fleet_proof.h"

#include <array>

#include <sodium.h>

#include "core/hex.h"

namespace rocd::p2p {

namespace {

constexpr std::string_view label = "rocd-fleet-v1";

std::array<std::uint8_t, crypto_auth_hmacsha256_BYTES> digest(std::string_view secret, const RawKey& prover,
                                                              const RawKey& verifier, const Nonce& nonce) {
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(label.data()), label.size());
    crypto_auth_hmacsha256_update(&state, prover.data(), prover.size());
    crypto_auth_hmacsha256_update(&state, verifier.data(), verifier.size());
    crypto_auth_hmacsha256_update(&state, nonce.data(), nonce.size());
    std::array<std::uint8_t, crypto_auth_hmacsha256_BYTES> out;
    crypto_auth_hmacsha256_final(&state, out.data());
    return out;
}

} // namespace

std::string fleet_mac(std::string_view secret, const RawKey& prover, const RawKey& verifier,
                      const Nonce& verifier_nonce) {
    return to_hex(digest(secret, prover, verifier, verifier_nonce));
}

bool fleet_mac_valid(std::string_view mac, std::string_view secret, const RawKey& prover,
                     const RawKey& verifier, const Nonce& verifier_nonce) {
    // A MAC is 32 bytes, written like a nonce.
    const auto received = nonce_of_hex(mac);
    if (!received) {
        return false;
    }
    const auto expected = digest(secret, prover, verifier, verifier_nonce);
    return sodium_memcmp(received->data(), expected.data(), expected.size()) == 0;
}

} // namespace rocd::p2p
