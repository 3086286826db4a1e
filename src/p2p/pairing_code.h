// The arithmetic of interactive pairing (docs/p2p.md §10.2): the
// commitment to A's nonce, and the six-digit code both sides compute from
// the two keys and the two nonces.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "p2p/identity.h"

namespace rocd::p2p {

using Nonce = std::array<std::uint8_t, 32>;

/// 32 bytes from the CSPRNG.
Nonce random_nonce();
/// The nonce of 64 hex digits; nullopt for anything else.
std::optional<Nonce> nonce_of_hex(std::string_view hex);

/// SHA-256 of the nonce, hex (what pair_request commits to).
std::string commitment_of(const Nonce& nonce_a);

/// The digest `d` of §10.2 and the code made of it ("229911").
std::array<std::uint8_t, 32> pairing_digest(const RawKey& key_1, const RawKey& key_2, const Nonce& nonce_a,
                                            const Nonce& nonce_b);
std::string pairing_code(const RawKey& key_1, const RawKey& key_2, const Nonce& nonce_a,
                         const Nonce& nonce_b);

/// Constant-time comparison of two codes (or any two strings of equal length).
bool same_code(std::string_view typed, std::string_view expected);

} // namespace rocd::p2p
