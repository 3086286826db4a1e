// Bulk GF(2^8) kernels over symbol buffers, in a portable version and
// SSSE3/AVX2 versions (pshufb nibble tables) picked at run time. The codecs
// spend nearly all their time here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace rocd::transport::fec {

/// Instruction set a kernel family uses.
enum class SimdLevel {
    scalar, ///< portable C++, 64-bit words for XOR, product table for multiplies
    ssse3,  ///< 128-bit pshufb
    avx2,   ///< 256-bit vpshufb
    gfni,   ///< 256-bit GFNI affine transform (gf2p8affineqb), AVX2 for the rest
    best,   ///< the fastest one this CPU supports
};

/// One family of kernels. Buffers may have any alignment; `dst` must not
/// overlap any source. `len` may be any size.
struct GfKernels {
    SimdLevel level;
    /// dst ^= src.
    void (*xor_region)(std::uint8_t* dst, const std::uint8_t* src, std::size_t len);
    /// dst ^= coef * src.
    void (*mul_add_region)(std::uint8_t* dst, const std::uint8_t* src, std::uint8_t coef, std::size_t len);
    /// dst = srcs[0] ^ ... ^ srcs[count-1] (dst = 0 when count is 0).
    void (*xor_sum)(std::uint8_t* dst, const std::uint8_t* const* srcs, std::size_t count, std::size_t len);
    /// dst = sum of coefs[i] * srcs[i] (dst = 0 when count is 0).
    void (*mul_sum)(std::uint8_t* dst, const std::uint8_t* const* srcs, const std::uint8_t* coefs,
                    std::size_t count, std::size_t len);
};

/// True if this CPU can run `level` (scalar and best always can).
bool simd_supported(SimdLevel level);

/// The kernels of `level`; `best` (or an unsupported level) resolves to the
/// fastest supported family.
const GfKernels& gf_kernels(SimdLevel level = SimdLevel::best);

/// Name for logs and benchmark labels: "scalar", "ssse3", "avx2", "gfni".
const char* simd_name(SimdLevel level);

namespace detail {
const GfKernels& scalar_kernels();
const GfKernels& ssse3_kernels();
const GfKernels& avx2_kernels();
const GfKernels& gfni_kernels();
} // namespace detail

} // namespace rocd::transport::fec
