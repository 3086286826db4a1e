// Arithmetic in GF(2^8) with the primitive polynomial x^8+x^4+x^3+x^2+1
// (0x11D) and generator alpha = 2: the field OpenFEC's RS codec uses, so the
// repair symbols match Roc Toolkit's byte for byte (WIRE.md §4).
#pragma once

#include <cstdint>

namespace rocd::transport::fec::gf {

/// Lookup tables, built once on first use (immutable afterwards, so they are
/// safe to share between threads).
struct Tables {
    std::uint8_t exp[510];      ///< exp[i] = alpha^i, doubled so exp[log a + log b] needs no mod
    std::uint8_t log[256];      ///< log[a] for a != 0; log[0] unused
    std::uint8_t inv[256];      ///< multiplicative inverse; inv[0] = 0
    std::uint8_t mul[256][256]; ///< full product table
    alignas(32) std::uint8_t nibble[256][32]; ///< [c][x] = c*x, [c][16+x] = c*(x<<4), for pshufb
    std::uint64_t affine[256];                ///< x -> c*x as the 8x8 bit matrix gf2p8affineqb takes
};

/// The process-wide tables.
const Tables& tables();

/// a * b in GF(2^8).
inline std::uint8_t mul(std::uint8_t a, std::uint8_t b) {
    return tables().mul[a][b];
}

/// 1 / a; a must not be 0.
inline std::uint8_t inv(std::uint8_t a) {
    return tables().inv[a];
}

/// alpha^e for any e >= 0.
inline std::uint8_t alpha_pow(unsigned e) {
    return tables().exp[e % 255];
}

} // namespace rocd::transport::fec::gf
