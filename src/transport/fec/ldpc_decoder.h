// LDPC-Staircase decoder for Roc Toolkit's blocks.
#pragma once

#include "transport/fec/block_codec.h"
#include "transport/fec/ldpc_matrix.h"

#include <vector>

namespace rocd::transport::fec {

/// LDPC-Staircase block decoder. It first plans, on bits only: peeling
/// (an equation with one unknown symbol gives that symbol), then, if sources
/// are still missing, Gauss-Jordan elimination over GF(2) of the remaining
/// equations (maximum-likelihood decoding, as OpenFEC does). Every symbol the
/// plan determines is then computed once, as one XOR of known symbols, and
/// only the steps that lead to a missing source are executed.
class LdpcDecoder final : public BlockDecoder {
public:
    explicit LdpcDecoder(SimdLevel simd = SimdLevel::best,
                         std::size_t max_symbol_size = default_max_symbol_size);

protected:
    Status prepare(std::size_t k, std::size_t r) override;
    Status decode_missing(std::span<std::uint8_t* const> sources) override;

private:
    struct Step {
        std::uint16_t target;
        SymbolSet inputs;
    };

    const GfKernels& kernels_;
    LdpcMatrix matrix_;
    std::vector<std::uint8_t> repair_buf_; // recovered repair symbols, r x max_symbol_size
    std::vector<Step> steps_;
    std::vector<std::uint16_t> unknown_in_eq_, queue_;
    std::vector<SymbolSet> rows_;
    std::vector<const std::uint8_t*> inputs_;
};

} // namespace rocd::transport::fec
