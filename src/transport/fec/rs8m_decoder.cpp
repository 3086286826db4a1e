#include "transport/fec/rs8m_decoder.h"

#include "transport/fec/gf256.h"

#include <algorithm>
#include <string>
#include <utility>

namespace rocd::transport::fec {

Rs8mDecoder::Rs8mDecoder(SimdLevel simd, std::size_t max_symbol_size)
    : kernels_(gf_kernels(simd)), work_((max_block_symbols + 1) * 256), rows_(max_block_symbols + 1) {
    max_symbol_size_ = max_symbol_size;
    missing_.reserve(max_block_symbols);
    known_.reserve(max_block_symbols);
    repairs_.reserve(max_block_symbols);
    inputs_.reserve(max_block_symbols);
}

Status Rs8mDecoder::prepare(std::size_t k, std::size_t /*r*/) {
    return matrix_.prepare(k);
}

Status Rs8mDecoder::decode_missing(std::span<std::uint8_t* const> sources) {
    const std::size_t k = k_;
    missing_.clear();
    known_.clear();
    repairs_.clear();
    for (std::size_t j = 0; j < k; j++) {
        (received_[j] ? known_ : missing_).push_back(j);
    }
    const std::size_t m = missing_.size();
    for (std::size_t e = k; e < n_ && repairs_.size() < m; e++) {
        if (received_[e]) {
            repairs_.push_back(e);
        }
    }
    if (repairs_.size() < m) {
        return fail(Errc::unavailable, "RS8M block not decodable: " + std::to_string(m) +
                                           " source symbols missing, " + std::to_string(repairs_.size()) +
                                           " repair symbols received");
    }

    // Repair a: R_a = A[a] . missing + B[a] . known, A and B being the
    // generator's columns of the missing and the received sources. Row a of
    // the work matrix is [A[a] | e_a | B[a]]; Gauss-Jordan turns its left
    // block into I, and then row t's right part holds the coefficients of
    // missing source t over the inputs (m repairs, then the known sources).
    // Rows are padded to a multiple of 32 bytes so that the row operations
    // run through the vector kernels in whole registers.
    const std::size_t width = m + k;
    const std::size_t stride = (width + 31) & ~std::size_t(31);
    std::fill(work_.begin(), work_.begin() + static_cast<std::ptrdiff_t>((m + 1) * stride), 0);
    for (std::size_t a = 0; a <= m; a++) {
        rows_[a] = work_.data() + a * stride;
    }
    for (std::size_t a = 0; a < m; a++) {
        const std::uint8_t* g = matrix_.repair_row(k, repairs_[a]);
        std::uint8_t* row = rows_[a];
        for (std::size_t b = 0; b < m; b++) {
            row[b] = g[missing_[b]];
        }
        row[m + a] = 1;
        for (std::size_t b = 0; b < known_.size(); b++) {
            row[2 * m + b] = g[known_[b]];
        }
    }
    std::uint8_t* spare = rows_[m];
    for (std::size_t c = 0; c < m; c++) {
        std::size_t p = c;
        while (p < m && rows_[p][c] == 0) {
            p++;
        }
        if (p == m) {
            return fail(Errc::internal, "RS8M decoding matrix is singular");
        }
        std::swap(rows_[p], rows_[c]);
        const std::uint8_t scale = gf::inv(rows_[c][c]);
        if (scale != 1) {
            const std::uint8_t* src = rows_[c];
            kernels_.mul_sum(spare, &src, &scale, 1, stride);
            std::swap(spare, rows_[c]);
        }
        for (std::size_t o = 0; o < m; o++) {
            if (o != c && rows_[o][c] != 0) {
                kernels_.mul_add_region(rows_[o], rows_[c], rows_[o][c], stride);
            }
        }
    }

    inputs_.clear();
    for (std::size_t e : repairs_) {
        inputs_.push_back(data_[e]);
    }
    for (std::size_t j : known_) {
        inputs_.push_back(data_[j]);
    }
    for (std::size_t o = 0; o < m; o++) {
        kernels_.mul_sum(sources[missing_[o]], inputs_.data(), rows_[o] + m, k, symbol_size_);
        restored_[missing_[o]] = true;
    }
    return {};
}

} // namespace rocd::transport::fec
