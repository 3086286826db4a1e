#include "transport/fec/ldpc_matrix.h"

#include <algorithm>

namespace rocd::transport::fec {

std::uint32_t LdpcPrng::next(std::uint32_t maxv) {
    // s * 16807 mod (2^31 - 1); 64-bit arithmetic gives the same value as
    // the RFC's split multiply.
    state_ = static_cast<std::uint32_t>((std::uint64_t(state_) * 16807u) % 0x7FFFFFFFu);
    return static_cast<std::uint32_t>(double(state_) * double(maxv) / double(0x7FFFFFFF));
}

std::size_t SymbolSet::count() const {
    return static_cast<std::size_t>(__builtin_popcountll(w[0]) + __builtin_popcountll(w[1]) +
                                    __builtin_popcountll(w[2]) + __builtin_popcountll(w[3]));
}

LdpcMatrix::LdpcMatrix() : dense_(max_block_symbols * max_block_symbols) {
    u_.reserve(default_n1 * max_block_symbols);
    row_cols_.reserve(max_block_symbols * max_block_symbols);
    col_rows_.reserve(max_block_symbols * max_block_symbols);
    row_start_.reserve(max_block_symbols + 1);
    col_start_.reserve(max_block_symbols + 1);
    equations_.reserve(max_block_symbols);
}

Status LdpcMatrix::build(std::size_t k, std::size_t r, std::uint32_t seed, std::size_t n1) {
    k_ = r_ = 0;
    if (k < 2 || r < n1 || n1 == 0 || k + r > max_block_symbols) {
        return fail(Errc::invalid_argument, "LDPC-Staircase needs k >= 2, r >= N1 (7) and k + r <= 255", "r");
    }
    if (seed == 0 || seed >= 0x7FFFFFFF) {
        return fail(Errc::invalid_argument, "LDPC PRNG seed must be in [1, 2^31-2]", "seed");
    }
    if (n1 * k > u_.capacity()) {
        return fail(Errc::invalid_argument, "LDPC N1 too large", "n1");
    }
    LdpcPrng prng(seed);
    std::fill(dense_.begin(), dense_.begin() + static_cast<std::ptrdiff_t>(r * k), 0);
    auto at = [&](std::size_t row, std::size_t col) -> std::uint8_t& { return dense_[row * k + col]; };

    // RFC 5170 §6.2: N1 ones per source column, drawn so that rows fill evenly.
    const std::size_t total = n1 * k;
    u_.resize(total);
    for (std::size_t h = 0; h < total; h++) {
        u_[h] = static_cast<std::uint32_t>(h % r);
    }
    std::size_t t = 0;
    for (std::size_t j = 0; j < k; j++) {
        for (std::size_t h = 0; h < n1; h++) {
            std::size_t i = t;
            while (i < total && at(u_[i], j)) {
                i++;
            }
            if (i < total) {
                do {
                    i = t + prng.next(static_cast<std::uint32_t>(total - t));
                } while (at(u_[i], j));
                at(u_[i], j) = 1;
                u_[i] = u_[t];
                t++;
            } else {
                do {
                    i = prng.next(static_cast<std::uint32_t>(r));
                } while (at(i, j));
                at(i, j) = 1;
            }
        }
    }
    // Every row gets at least two source entries.
    for (std::size_t i = 0; i < r; i++) {
        std::size_t degree = 0, first = 0;
        for (std::size_t j = 0; j < k; j++) {
            if (at(i, j)) {
                if (degree == 0) {
                    first = j;
                }
                degree++;
            }
        }
        if (degree == 0) {
            first = prng.next(static_cast<std::uint32_t>(k));
            at(i, first) = 1;
            degree = 1;
        }
        if (degree == 1) {
            std::size_t j;
            do {
                j = prng.next(static_cast<std::uint32_t>(k));
            } while (j == first);
            at(i, j) = 1;
        }
    }

    row_cols_.clear();
    row_start_.clear();
    equations_.assign(r, SymbolSet {});
    for (std::size_t i = 0; i < r; i++) {
        row_start_.push_back(row_cols_.size());
        for (std::size_t j = 0; j < k; j++) {
            if (at(i, j)) {
                row_cols_.push_back(static_cast<std::uint16_t>(j));
                equations_[i].set(j);
            }
        }
        equations_[i].set(k + i);
        if (i > 0) {
            equations_[i].set(k + i - 1);
        }
    }
    row_start_.push_back(row_cols_.size());
    col_rows_.clear();
    col_start_.clear();
    for (std::size_t j = 0; j < k; j++) {
        col_start_.push_back(col_rows_.size());
        for (std::size_t i = 0; i < r; i++) {
            if (at(i, j)) {
                col_rows_.push_back(static_cast<std::uint16_t>(i));
            }
        }
    }
    col_start_.push_back(col_rows_.size());
    k_ = k;
    r_ = r;
    return {};
}

} // namespace rocd::transport::fec
