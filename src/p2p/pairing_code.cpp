#include "p2p/pairing_code.h"

#include <algorithm>
#include <cstdio>

#include <sodium.h>

#include "core/hex.h"

namespace rocd::p2p {

Nonce random_nonce() {
    static const int sodium = sodium_init();
    (void)sodium;
    Nonce nonce;
    randombytes_buf(nonce.data(), nonce.size());
    return nonce;
}

std::optional<Nonce> nonce_of_hex(std::string_view hex) {
    Nonce nonce;
    if (hex.size() != 2 * nonce.size()) {
        return std::nullopt;
    }
    auto digit = [](char c) -> int {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1; // lowercase only, as everything this protocol writes
    };
    for (std::size_t i = 0; i < nonce.size(); ++i) {
        const int high = digit(hex[2 * i]), low = digit(hex[2 * i + 1]);
        if (high < 0 || low < 0) {
            return std::nullopt;
        }
        nonce[i] = static_cast<std::uint8_t>(high << 4 | low);
    }
    return nonce;
}

std::string commitment_of(const Nonce& nonce_a) {
    std::uint8_t digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, nonce_a.data(), nonce_a.size());
    return to_hex(digest);
}

std::array<std::uint8_t, 32> pairing_digest(const RawKey& key_1, const RawKey& key_2, const Nonce& nonce_a,
                                            const Nonce& nonce_b) {
    // The keys sorted, so that both sides hash the same bytes whichever is theirs.
    const RawKey& low = std::min(key_1, key_2);
    const RawKey& high = std::max(key_1, key_2);
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    static constexpr std::string_view label = "rocd-pair-v1";
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(label.data()), label.size());
    crypto_hash_sha256_update(&state, low.data(), low.size());
    crypto_hash_sha256_update(&state, high.data(), high.size());
    crypto_hash_sha256_update(&state, nonce_a.data(), nonce_a.size());
    crypto_hash_sha256_update(&state, nonce_b.data(), nonce_b.size());
    std::array<std::uint8_t, 32> digest;
    crypto_hash_sha256_final(&state, digest.data());
    return digest;
}

std::string pairing_code(const RawKey& key_1, const RawKey& key_2, const Nonce& nonce_a,
                         const Nonce& nonce_b) {
    const auto d = pairing_digest(key_1, key_2, nonce_a, nonce_b);
    const std::uint32_t first = std::uint32_t(d[0]) << 24 | std::uint32_t(d[1]) << 16 |
                                std::uint32_t(d[2]) << 8 | std::uint32_t(d[3]);
    char text[8];
    std::snprintf(text, sizeof text, "%06u", static_cast<unsigned>(first % 1000000));
    return text;
}

bool same_code(std::string_view typed, std::string_view expected) {
    if (typed.size() != expected.size()) {
        return false;
    }
    return sodium_memcmp(typed.data(), expected.data(), typed.size()) == 0;
}

} // namespace rocd::p2p
