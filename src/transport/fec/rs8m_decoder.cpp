#include "transport/fec/rs8m_decoder.h"

#include "transport/fec/gf256.h"

#include <string>

namespace rocd::fec {

Rs8mDecoder::Rs8mDecoder(SimdLevel simd, std::size_t max_symbol_size)
    : kernels_(gf_kernels(simd)), a_(max_block_symbols * max_block_symbols),
      a_inv_(max_block_symbols * max_block_symbols), coefs_(max_block_symbols) {
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

    // repair_a = A * missing + B * known, so missing = A^-1 * repair + (A^-1 B) * known.
    for (std::size_t a = 0; a < m; a++) {
        const std::uint8_t* row = matrix_.repair_row(k, repairs_[a]);
        for (std::size_t b = 0; b < m; b++) {
            a_[a * m + b] = row[missing_[b]];
        }
    }
    if (!Rs8mMatrix::invert(a_.data(), a_inv_.data(), m)) {
        return fail(Errc::internal, "RS8M decoding matrix is singular");
    }

    inputs_.clear();
    for (std::size_t e : repairs_) {
        inputs_.push_back(data_[e]);
    }
    for (std::size_t j : known_) {
        inputs_.push_back(data_[j]);
    }
    const auto& t = gf::tables();
    for (std::size_t o = 0; o < m; o++) {
        const std::uint8_t* inv_row = a_inv_.data() + o * m;
        for (std::size_t a = 0; a < m; a++) {
            coefs_[a] = inv_row[a];
        }
        for (std::size_t b = 0; b < known_.size(); b++) {
            std::uint8_t acc = 0;
            for (std::size_t a = 0; a < m; a++) {
                acc ^= t.mul[inv_row[a]][matrix_.repair_row(k, repairs_[a])[known_[b]]];
            }
            coefs_[m + b] = acc;
        }
        kernels_.mul_sum(sources[missing_[o]], inputs_.data(), coefs_.data(), k, symbol_size_);
        restored_[missing_[o]] = true;
    }
    return {};
}

} // namespace rocd::fec
