// SSSE3 and AVX2 kernels. Each function carries its own target attribute so
// the rest of the library stays baseline x86-64; gf_kernels() only hands them
// out after __builtin_cpu_supports said yes.
//
// Multiplication by a constant c uses the split-nibble method:
// c*x = c*(x & 15) ^ c*(x & 0xF0), two 16-entry tables looked up with pshufb.
#if defined(__x86_64__) || defined(__i386__)

#include "transport/fec/gf256.h"
#include "transport/fec/gf_kernels.h"

#include <immintrin.h>

#include <cstring>

namespace rocd::transport::fec {

namespace {

// ---------------------------------------------------------------- SSSE3

#define ROCD_SSSE3 __attribute__((target("ssse3")))
#define ROCD_AVX2 __attribute__((target("avx2")))
#define ROCD_GFNI __attribute__((target("gfni,avx2")))

ROCD_SSSE3 inline __m128i mul16(__m128i x, __m128i lo, __m128i hi, __m128i mask) {
    __m128i l = _mm_and_si128(x, mask);
    __m128i h = _mm_and_si128(_mm_srli_epi64(x, 4), mask);
    return _mm_xor_si128(_mm_shuffle_epi8(lo, l), _mm_shuffle_epi8(hi, h));
}

ROCD_SSSE3 void ssse3_xor_region(std::uint8_t* dst, const std::uint8_t* src, std::size_t len) {
    std::size_t i = 0;
    for (; i + 64 <= len; i += 64) {
        for (std::size_t o = 0; o < 64; o += 16) {
            __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(dst + i + o));
            __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + o));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + o), _mm_xor_si128(d, s));
        }
    }
    for (; i + 16 <= len; i += 16) {
        __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(dst + i));
        __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(d, s));
    }
    for (; i < len; i++) {
        dst[i] ^= src[i];
    }
}

ROCD_SSSE3 void ssse3_mul_add_region(std::uint8_t* dst, const std::uint8_t* src, std::uint8_t coef,
                                     std::size_t len) {
    if (coef == 0) {
        return;
    }
    const auto& t = gf::tables();
    const __m128i lo = _mm_load_si128(reinterpret_cast<const __m128i*>(t.nibble[coef]));
    const __m128i hi = _mm_load_si128(reinterpret_cast<const __m128i*>(t.nibble[coef] + 16));
    const __m128i mask = _mm_set1_epi8(0x0F);
    std::size_t i = 0;
    for (; i + 16 <= len; i += 16) {
        __m128i s = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(dst + i));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(d, mul16(s, lo, hi, mask)));
    }
    const std::uint8_t* row = t.mul[coef];
    for (; i < len; i++) {
        dst[i] ^= row[src[i]];
    }
}

ROCD_SSSE3 void ssse3_xor_sum(std::uint8_t* dst, const std::uint8_t* const* srcs, std::size_t count,
                              std::size_t len) {
    if (len == 0) {
        return;
    }
    if (count == 0) {
        std::memset(dst, 0, len);
        return;
    }
    std::size_t i = 0;
    // Four accumulators stay in registers while every source streams through.
    for (; i + 64 <= len; i += 64) {
        const std::uint8_t* s0 = srcs[0] + i;
        __m128i a0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s0));
        __m128i a1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s0 + 16));
        __m128i a2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s0 + 32));
        __m128i a3 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s0 + 48));
        for (std::size_t s = 1; s < count; s++) {
            const std::uint8_t* p = srcs[s] + i;
            a0 = _mm_xor_si128(a0, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
            a1 = _mm_xor_si128(a1, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)));
            a2 = _mm_xor_si128(a2, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32)));
            a3 = _mm_xor_si128(a3, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48)));
        }
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), a0);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 16), a1);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 32), a2);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 48), a3);
    }
    for (; i < len; i++) {
        std::uint8_t a = srcs[0][i];
        for (std::size_t s = 1; s < count; s++) {
            a ^= srcs[s][i];
        }
        dst[i] = a;
    }
}

ROCD_SSSE3 void ssse3_mul_sum(std::uint8_t* dst, const std::uint8_t* const* srcs, const std::uint8_t* coefs,
                              std::size_t count, std::size_t len) {
    if (len == 0) {
        return;
    }
    const auto& t = gf::tables();
    const __m128i mask = _mm_set1_epi8(0x0F);
    std::size_t i = 0;
    for (; i + 64 <= len; i += 64) {
        __m128i a0 = _mm_setzero_si128(), a1 = a0, a2 = a0, a3 = a0;
        for (std::size_t s = 0; s < count; s++) {
            const __m128i lo = _mm_load_si128(reinterpret_cast<const __m128i*>(t.nibble[coefs[s]]));
            const __m128i hi = _mm_load_si128(reinterpret_cast<const __m128i*>(t.nibble[coefs[s]] + 16));
            const std::uint8_t* p = srcs[s] + i;
            a0 = _mm_xor_si128(a0, mul16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), lo, hi, mask));
            a1 = _mm_xor_si128(
                a1, mul16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)), lo, hi, mask));
            a2 = _mm_xor_si128(
                a2, mul16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 32)), lo, hi, mask));
            a3 = _mm_xor_si128(
                a3, mul16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 48)), lo, hi, mask));
        }
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), a0);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 16), a1);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 32), a2);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 48), a3);
    }
    for (; i < len; i++) {
        std::uint8_t a = 0;
        for (std::size_t s = 0; s < count; s++) {
            a ^= t.mul[coefs[s]][srcs[s][i]];
        }
        dst[i] = a;
    }
}

// ---------------------------------------------------------------- AVX2

ROCD_AVX2 inline __m256i mul32(__m256i x, __m256i lo, __m256i hi, __m256i mask) {
    __m256i l = _mm256_and_si256(x, mask);
    __m256i h = _mm256_and_si256(_mm256_srli_epi64(x, 4), mask);
    return _mm256_xor_si256(_mm256_shuffle_epi8(lo, l), _mm256_shuffle_epi8(hi, h));
}

ROCD_AVX2 inline __m256i load32(const std::uint8_t* p) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

ROCD_AVX2 inline void store32(std::uint8_t* p, __m256i v) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
}

ROCD_AVX2 void avx2_xor_region(std::uint8_t* dst, const std::uint8_t* src, std::size_t len) {
    std::size_t i = 0;
    for (; i + 128 <= len; i += 128) {
        for (std::size_t o = 0; o < 128; o += 32) {
            store32(dst + i + o, _mm256_xor_si256(load32(dst + i + o), load32(src + i + o)));
        }
    }
    for (; i + 32 <= len; i += 32) {
        store32(dst + i, _mm256_xor_si256(load32(dst + i), load32(src + i)));
    }
    for (; i < len; i++) {
        dst[i] ^= src[i];
    }
}

ROCD_AVX2 void avx2_mul_add_region(std::uint8_t* dst, const std::uint8_t* src, std::uint8_t coef,
                                   std::size_t len) {
    if (coef == 0) {
        return;
    }
    const auto& t = gf::tables();
    const __m256i lo =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(t.nibble[coef])));
    const __m256i hi =
        _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(t.nibble[coef] + 16)));
    const __m256i mask = _mm256_set1_epi8(0x0F);
    std::size_t i = 0;
    for (; i + 64 <= len; i += 64) {
        __m256i p0 = mul32(load32(src + i), lo, hi, mask);
        __m256i p1 = mul32(load32(src + i + 32), lo, hi, mask);
        store32(dst + i, _mm256_xor_si256(load32(dst + i), p0));
        store32(dst + i + 32, _mm256_xor_si256(load32(dst + i + 32), p1));
    }
    for (; i + 32 <= len; i += 32) {
        store32(dst + i, _mm256_xor_si256(load32(dst + i), mul32(load32(src + i), lo, hi, mask)));
    }
    const std::uint8_t* row = t.mul[coef];
    for (; i < len; i++) {
        dst[i] ^= row[src[i]];
    }
}

ROCD_AVX2 void avx2_xor_sum(std::uint8_t* dst, const std::uint8_t* const* srcs, std::size_t count,
                            std::size_t len) {
    if (len == 0) {
        return;
    }
    if (count == 0) {
        std::memset(dst, 0, len);
        return;
    }
    std::size_t i = 0;
    for (; i + 128 <= len; i += 128) {
        const std::uint8_t* s0 = srcs[0] + i;
        __m256i a0 = load32(s0), a1 = load32(s0 + 32), a2 = load32(s0 + 64), a3 = load32(s0 + 96);
        for (std::size_t s = 1; s < count; s++) {
            const std::uint8_t* p = srcs[s] + i;
            a0 = _mm256_xor_si256(a0, load32(p));
            a1 = _mm256_xor_si256(a1, load32(p + 32));
            a2 = _mm256_xor_si256(a2, load32(p + 64));
            a3 = _mm256_xor_si256(a3, load32(p + 96));
        }
        store32(dst + i, a0);
        store32(dst + i + 32, a1);
        store32(dst + i + 64, a2);
        store32(dst + i + 96, a3);
    }
    for (; i + 32 <= len; i += 32) {
        __m256i a = load32(srcs[0] + i);
        for (std::size_t s = 1; s < count; s++) {
            a = _mm256_xor_si256(a, load32(srcs[s] + i));
        }
        store32(dst + i, a);
    }
    for (; i < len; i++) {
        std::uint8_t a = srcs[0][i];
        for (std::size_t s = 1; s < count; s++) {
            a ^= srcs[s][i];
        }
        dst[i] = a;
    }
}

ROCD_AVX2 void avx2_mul_sum(std::uint8_t* dst, const std::uint8_t* const* srcs, const std::uint8_t* coefs,
                            std::size_t count, std::size_t len) {
    if (len == 0) {
        return;
    }
    const auto& t = gf::tables();
    const __m256i mask = _mm256_set1_epi8(0x0F);
    std::size_t i = 0;
    // 128 bytes of the result stay in four registers while the sources
    // stream through: one store per output byte instead of one per term.
    for (; i + 128 <= len; i += 128) {
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
        for (std::size_t s = 0; s < count; s++) {
            const std::uint8_t* tab = t.nibble[coefs[s]];
            const __m256i lo =
                _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(tab)));
            const __m256i hi =
                _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(tab + 16)));
            const std::uint8_t* p = srcs[s] + i;
            a0 = _mm256_xor_si256(a0, mul32(load32(p), lo, hi, mask));
            a1 = _mm256_xor_si256(a1, mul32(load32(p + 32), lo, hi, mask));
            a2 = _mm256_xor_si256(a2, mul32(load32(p + 64), lo, hi, mask));
            a3 = _mm256_xor_si256(a3, mul32(load32(p + 96), lo, hi, mask));
        }
        store32(dst + i, a0);
        store32(dst + i + 32, a1);
        store32(dst + i + 64, a2);
        store32(dst + i + 96, a3);
    }
    for (; i + 32 <= len; i += 32) {
        __m256i a = _mm256_setzero_si256();
        for (std::size_t s = 0; s < count; s++) {
            const std::uint8_t* tab = t.nibble[coefs[s]];
            const __m256i lo =
                _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(tab)));
            const __m256i hi =
                _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(tab + 16)));
            a = _mm256_xor_si256(a, mul32(load32(srcs[s] + i), lo, hi, mask));
        }
        store32(dst + i, a);
    }
    for (; i < len; i++) {
        std::uint8_t a = 0;
        for (std::size_t s = 0; s < count; s++) {
            a ^= t.mul[coefs[s]][srcs[s][i]];
        }
        dst[i] = a;
    }
}

// ---------------------------------------------------------------- GFNI
// gf2p8affineqb multiplies 32 bytes by any constant of any GF(2^8) in one
// instruction, given the constant as a bit matrix (gf2p8mulb would not do:
// it is fixed to the AES polynomial 0x11B).

ROCD_GFNI inline __m256i gfni_mul32(__m256i x, __m256i m) {
    return _mm256_gf2p8affine_epi64_epi8(x, m, 0);
}

ROCD_GFNI void gfni_mul_add_region(std::uint8_t* dst, const std::uint8_t* src, std::uint8_t coef,
                                   std::size_t len) {
    if (coef == 0) {
        return;
    }
    const auto& t = gf::tables();
    const __m256i m = _mm256_set1_epi64x(static_cast<long long>(t.affine[coef]));
    std::size_t i = 0;
    for (; i + 64 <= len; i += 64) {
        __m256i p0 = gfni_mul32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i)), m);
        __m256i p1 = gfni_mul32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 32)), m);
        __m256i d0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(dst + i));
        __m256i d1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(dst + i + 32));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(d0, p0));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 32), _mm256_xor_si256(d1, p1));
    }
    for (; i + 32 <= len; i += 32) {
        __m256i p = gfni_mul32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i)), m);
        __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(dst + i));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(d, p));
    }
    const std::uint8_t* row = t.mul[coef];
    for (; i < len; i++) {
        dst[i] ^= row[src[i]];
    }
}

ROCD_GFNI void gfni_mul_sum(std::uint8_t* dst, const std::uint8_t* const* srcs, const std::uint8_t* coefs,
                            std::size_t count, std::size_t len) {
    if (len == 0) {
        return;
    }
    const auto& t = gf::tables();
    std::size_t i = 0;
    for (; i + 128 <= len; i += 128) {
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
        for (std::size_t s = 0; s < count; s++) {
            const __m256i m = _mm256_set1_epi64x(static_cast<long long>(t.affine[coefs[s]]));
            const std::uint8_t* p = srcs[s] + i;
            a0 = _mm256_xor_si256(a0, gfni_mul32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), m));
            a1 = _mm256_xor_si256(
                a1, gfni_mul32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)), m));
            a2 = _mm256_xor_si256(
                a2, gfni_mul32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 64)), m));
            a3 = _mm256_xor_si256(
                a3, gfni_mul32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 96)), m));
        }
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), a0);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 32), a1);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 64), a2);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 96), a3);
    }
    for (; i + 32 <= len; i += 32) {
        __m256i a = _mm256_setzero_si256();
        for (std::size_t s = 0; s < count; s++) {
            const __m256i m = _mm256_set1_epi64x(static_cast<long long>(t.affine[coefs[s]]));
            a = _mm256_xor_si256(
                a, gfni_mul32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(srcs[s] + i)), m));
        }
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), a);
    }
    for (; i < len; i++) {
        std::uint8_t a = 0;
        for (std::size_t s = 0; s < count; s++) {
            a ^= t.mul[coefs[s]][srcs[s][i]];
        }
        dst[i] = a;
    }
}

} // namespace

namespace detail {

const GfKernels& ssse3_kernels() {
    static const GfKernels k {SimdLevel::ssse3, ssse3_xor_region, ssse3_mul_add_region, ssse3_xor_sum,
                              ssse3_mul_sum};
    return k;
}

const GfKernels& gfni_kernels() {
    static const GfKernels k {SimdLevel::gfni, avx2_xor_region, gfni_mul_add_region, avx2_xor_sum,
                              gfni_mul_sum};
    return k;
}

const GfKernels& avx2_kernels() {
    static const GfKernels k {SimdLevel::avx2, avx2_xor_region, avx2_mul_add_region, avx2_xor_sum,
                              avx2_mul_sum};
    return k;
}

} // namespace detail

} // namespace rocd::transport::fec

#endif
