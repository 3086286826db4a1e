#include "transport/fec/gf_kernels.h"

#include "transport/fec/gf256.h"

#include <cstring>

namespace rocd::transport::fec {

namespace {

std::uint64_t load64(const std::uint8_t* p) {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

void store64(std::uint8_t* p, std::uint64_t v) {
    std::memcpy(p, &v, sizeof v);
}

void scalar_xor_region(std::uint8_t* dst, const std::uint8_t* src, std::size_t len) {
    std::size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        store64(dst + i, load64(dst + i) ^ load64(src + i));
    }
    for (; i < len; i++) {
        dst[i] ^= src[i];
    }
}

void scalar_mul_add_region(std::uint8_t* dst, const std::uint8_t* src, std::uint8_t coef, std::size_t len) {
    if (coef == 0) {
        return;
    }
    if (coef == 1) {
        scalar_xor_region(dst, src, len);
        return;
    }
    const std::uint8_t* row = gf::tables().mul[coef];
    for (std::size_t i = 0; i < len; i++) {
        dst[i] ^= row[src[i]];
    }
}

void scalar_xor_sum(std::uint8_t* dst, const std::uint8_t* const* srcs, std::size_t count, std::size_t len) {
    if (len == 0) {
        return;
    }
    if (count == 0) {
        std::memset(dst, 0, len);
        return;
    }
    std::memcpy(dst, srcs[0], len);
    for (std::size_t s = 1; s < count; s++) {
        scalar_xor_region(dst, srcs[s], len);
    }
}

void scalar_mul_sum(std::uint8_t* dst, const std::uint8_t* const* srcs, const std::uint8_t* coefs,
                    std::size_t count, std::size_t len) {
    if (len == 0) {
        return;
    }
    std::memset(dst, 0, len);
    for (std::size_t s = 0; s < count; s++) {
        scalar_mul_add_region(dst, srcs[s], coefs[s], len);
    }
}

} // namespace

namespace detail {

const GfKernels& scalar_kernels() {
    static const GfKernels k {SimdLevel::scalar, scalar_xor_region, scalar_mul_add_region, scalar_xor_sum,
                              scalar_mul_sum};
    return k;
}

} // namespace detail

bool simd_supported(SimdLevel level) {
    switch (level) {
    case SimdLevel::scalar:
    case SimdLevel::best:
        return true;
    case SimdLevel::ssse3:
#if defined(__x86_64__) || defined(__i386__)
        return __builtin_cpu_supports("ssse3");
#else
        return false;
#endif
    case SimdLevel::avx2:
#if defined(__x86_64__) || defined(__i386__)
        return __builtin_cpu_supports("avx2");
#else
        return false;
#endif
    case SimdLevel::gfni:
#if defined(__x86_64__) || defined(__i386__)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("gfni");
#else
        return false;
#endif
    }
    return false;
}

const GfKernels& gf_kernels(SimdLevel level) {
    if (level == SimdLevel::best || !simd_supported(level)) {
        level = simd_supported(SimdLevel::gfni)    ? SimdLevel::gfni
                : simd_supported(SimdLevel::avx2)  ? SimdLevel::avx2
                : simd_supported(SimdLevel::ssse3) ? SimdLevel::ssse3
                                                   : SimdLevel::scalar;
    }
    switch (level) {
#if defined(__x86_64__) || defined(__i386__)
    case SimdLevel::gfni:
        return detail::gfni_kernels();
    case SimdLevel::avx2:
        return detail::avx2_kernels();
    case SimdLevel::ssse3:
        return detail::ssse3_kernels();
#endif
    default:
        return detail::scalar_kernels();
    }
}

const char* simd_name(SimdLevel level) {
    switch (level) {
    case SimdLevel::scalar:
        return "scalar";
    case SimdLevel::ssse3:
        return "ssse3";
    case SimdLevel::avx2:
        return "avx2";
    case SimdLevel::gfni:
        return "gfni";
    case SimdLevel::best:
        return "best";
    }
    return "?";
}

} // namespace rocd::transport::fec
