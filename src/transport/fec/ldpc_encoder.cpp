#include "transport/fec/ldpc_encoder.h"

namespace rocd::transport::fec {

LdpcEncoder::LdpcEncoder(SimdLevel simd) : kernels_(gf_kernels(simd)) {
    inputs_.reserve(max_block_symbols + 1);
}

Status LdpcEncoder::prepare(std::size_t k, std::size_t r) {
    if (matrix_.k() == k && matrix_.r() == r) {
        return {};
    }
    return matrix_.build(k, r);
}

Status LdpcEncoder::encode(std::span<const std::uint8_t* const> sources,
                           std::span<std::uint8_t* const> repairs, std::size_t symbol_size) {
    if (auto st = prepare(sources.size(), repairs.size()); !st) {
        return st;
    }
    // Ascending ESI order: each repair folds in the previous one (staircase).
    for (std::size_t i = 0; i < repairs.size(); i++) {
        inputs_.clear();
        for (std::uint16_t j : matrix_.row_sources(i)) {
            inputs_.push_back(sources[j]);
        }
        if (i > 0) {
            inputs_.push_back(repairs[i - 1]);
        }
        kernels_.xor_sum(repairs[i], inputs_.data(), inputs_.size(), symbol_size);
    }
    return {};
}

} // namespace rocd::transport::fec
