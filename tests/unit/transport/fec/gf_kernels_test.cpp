#include "transport/fec/gf256.h"
#include "transport/fec/gf_kernels.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace rocd::transport::fec {
namespace {

std::uint8_t slow_mul(std::uint8_t a, std::uint8_t b) {
    unsigned r = 0, x = a;
    for (int i = 0; i < 8; i++) {
        if (b & (1u << i)) {
            r ^= x;
        }
        x <<= 1;
        if (x & 0x100) {
            x ^= 0x11D;
        }
    }
    return static_cast<std::uint8_t>(r);
}

TEST(Gf256, tables_match_polynomial_0x11d) {
    EXPECT_EQ(gf::alpha_pow(8), 0x1D);
    EXPECT_EQ(gf::alpha_pow(255), 1);
    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            ASSERT_EQ(gf::mul(std::uint8_t(a), std::uint8_t(b)), slow_mul(std::uint8_t(a), std::uint8_t(b)));
        }
        if (a != 0) {
            ASSERT_EQ(gf::mul(std::uint8_t(a), gf::inv(std::uint8_t(a))), 1);
        }
    }
}

class GfKernelsTest : public ::testing::TestWithParam<SimdLevel> {
protected:
    void SetUp() override {
        if (!simd_supported(GetParam())) {
            GTEST_SKIP() << simd_name(GetParam()) << " not supported by this CPU";
        }
    }
};

// Lengths straddle every vector width and tail path; offsets make buffers unaligned.
const std::size_t lengths[] = {0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200, 896, 2048};

TEST_P(GfKernelsTest, kernels_agree_with_scalar) {
    const GfKernels& ref = gf_kernels(SimdLevel::scalar);
    const GfKernels& k = gf_kernels(GetParam());
    ASSERT_EQ(k.level, GetParam());
    std::mt19937 rng(42);
    for (std::size_t len : lengths) {
        for (std::size_t off = 0; off < 3; off++) {
            std::vector<std::vector<std::uint8_t>> srcs(7, std::vector<std::uint8_t>(len + off));
            for (auto& s : srcs) {
                for (auto& b : s) {
                    b = static_cast<std::uint8_t>(rng());
                }
            }
            std::vector<const std::uint8_t*> ptrs;
            for (auto& s : srcs) {
                ptrs.push_back(s.data() + off);
            }
            std::vector<std::uint8_t> coefs {0, 1, 2, 0x53, 0xFF, 0x8E, static_cast<std::uint8_t>(rng())};
            std::vector<std::uint8_t> want(len + off, 0x5A), got(len + off, 0x5A);

            for (unsigned c : {0u, 1u, 2u, 0x1Du, 0xA7u, 0xFFu}) {
                ref.mul_add_region(want.data() + off, ptrs[0], std::uint8_t(c), len);
                k.mul_add_region(got.data() + off, ptrs[0], std::uint8_t(c), len);
                ASSERT_EQ(want, got) << "mul_add_region len=" << len << " coef=" << c;
            }
            ref.xor_region(want.data() + off, ptrs[1], len);
            k.xor_region(got.data() + off, ptrs[1], len);
            ASSERT_EQ(want, got) << "xor_region len=" << len;
            for (std::size_t count = 0; count <= ptrs.size(); count++) {
                ref.xor_sum(want.data() + off, ptrs.data(), count, len);
                k.xor_sum(got.data() + off, ptrs.data(), count, len);
                ASSERT_EQ(want, got) << "xor_sum len=" << len << " count=" << count;
                ref.mul_sum(want.data() + off, ptrs.data(), coefs.data(), count, len);
                k.mul_sum(got.data() + off, ptrs.data(), coefs.data(), count, len);
                ASSERT_EQ(want, got) << "mul_sum len=" << len << " count=" << count;
            }
        }
    }
}

TEST_P(GfKernelsTest, mul_add_matches_field_multiplication_for_every_coefficient) {
    const GfKernels& k = gf_kernels(GetParam());
    std::vector<std::uint8_t> src(256);
    for (unsigned i = 0; i < 256; i++) {
        src[i] = std::uint8_t(i);
    }
    for (unsigned c = 0; c < 256; c++) {
        std::vector<std::uint8_t> dst(256, 0);
        k.mul_add_region(dst.data(), src.data(), std::uint8_t(c), dst.size());
        for (unsigned i = 0; i < 256; i++) {
            ASSERT_EQ(dst[i], slow_mul(std::uint8_t(c), std::uint8_t(i))) << "c=" << c << " x=" << i;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(AllLevels, GfKernelsTest,
                         ::testing::Values(SimdLevel::scalar, SimdLevel::ssse3, SimdLevel::avx2,
                                           SimdLevel::gfni),
                         [](const auto& info) { return std::string(simd_name(info.param)); });

} // namespace
} // namespace rocd::transport::fec
