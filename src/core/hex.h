// Lowercase hex of bytes: tokens, nonces and fingerprints are written so.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace rocd {

inline std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

} // namespace rocd
