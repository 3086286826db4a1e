// Parity-check matrix of LDPC-Staircase as RFC 5170 §6.2 builds it, which is
// what OpenFEC (and so Roc Toolkit) uses: WIRE.md §5.
#pragma once

#include "core/error.h"
#include "transport/fec/block_codec.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rocd::transport::fec {

/// RFC 5170 §5.7 pseudo-random generator (Park-Miller minimal standard),
/// with the double-precision scaling of the RFC.
class LdpcPrng {
public:
    /// `seed` must be in [1, 2^31 - 2].
    explicit LdpcPrng(std::uint32_t seed) : state_(seed) {}

    /// Next value in [0, maxv).
    std::uint32_t next(std::uint32_t maxv);

    /// Current state (the raw Park-Miller sequence).
    std::uint32_t state() const { return state_; }

private:
    std::uint32_t state_;
};

/// Subset of ESIs as a 255-bit set.
struct SymbolSet {
    std::array<std::uint64_t, 4> w {};

    void set(std::size_t i) { w[i >> 6] |= std::uint64_t(1) << (i & 63); }
    void clear(std::size_t i) { w[i >> 6] &= ~(std::uint64_t(1) << (i & 63)); }
    bool test(std::size_t i) const { return (w[i >> 6] >> (i & 63)) & 1; }
    SymbolSet& operator^=(const SymbolSet& o) {
        for (std::size_t i = 0; i < 4; i++) {
            w[i] ^= o.w[i];
        }
        return *this;
    }
    SymbolSet operator&(const SymbolSet& o) const {
        SymbolSet s;
        for (std::size_t i = 0; i < 4; i++) {
            s.w[i] = w[i] & o.w[i];
        }
        return s;
    }
    bool any() const { return (w[0] | w[1] | w[2] | w[3]) != 0; }
    std::size_t count() const;
    /// Calls f(i) for each member in ascending order.
    template <class F> void for_each(F&& f) const {
        for (std::size_t i = 0; i < 4; i++) {
            for (std::uint64_t x = w[i]; x != 0; x &= x - 1) {
                f(i * 64 + static_cast<std::size_t>(__builtin_ctzll(x)));
            }
        }
    }
};

/// H for one (k, r): r parity equations over the n = k + r symbols.
/// Equation i XORs the sources of row i, repair ESI k+i and (for i > 0)
/// repair ESI k+i-1 to zero.
class LdpcMatrix {
public:
    /// Roc's fixed parameters (roc:roc_fec/codec_config.h).
    static constexpr std::uint32_t default_seed = 1297501556;
    static constexpr std::size_t default_n1 = 7;

    LdpcMatrix();

    /// Builds H for k sources and r repairs. Needs k >= 2, r >= n1 and
    /// k + r <= 255. Allocates nothing after construction.
    Status build(std::size_t k, std::size_t r, std::uint32_t seed = default_seed,
                 std::size_t n1 = default_n1);

    std::size_t k() const { return k_; }
    std::size_t r() const { return r_; }

    /// Source ESIs of equation `row`, ascending (the staircase not included).
    std::span<const std::uint16_t> row_sources(std::size_t row) const {
        return {row_cols_.data() + row_start_[row], row_start_[row + 1] - row_start_[row]};
    }
    /// Equations in which source `col` appears, ascending.
    std::span<const std::uint16_t> col_rows(std::size_t col) const {
        return {col_rows_.data() + col_start_[col], col_start_[col + 1] - col_start_[col]};
    }
    /// Every symbol of equation `row`, staircase included.
    const SymbolSet& equation(std::size_t row) const { return equations_[row]; }

private:
    std::size_t k_ = 0;
    std::size_t r_ = 0;
    std::vector<std::uint8_t> dense_; // r x k, row-major
    std::vector<std::uint32_t> u_;
    std::vector<std::uint16_t> row_cols_, col_rows_;
    std::vector<std::size_t> row_start_, col_start_;
    std::vector<SymbolSet> equations_;
};

} // namespace rocd::transport::fec
