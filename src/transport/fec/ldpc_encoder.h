// LDPC-Staircase encoder producing Roc Toolkit's repair symbols.
#pragma once

#include "transport/fec/block_codec.h"
#include "transport/fec/ldpc_matrix.h"

#include <vector>

namespace rocd::transport::fec {

/// LDPC-Staircase (RFC 5170, OpenFEC seed/N1 defaults of Roc) block encoder:
/// repair i = XOR of the sources of row i, XOR repair i-1 (WIRE.md §5).
class LdpcEncoder final : public BlockEncoder {
public:
    explicit LdpcEncoder(SimdLevel simd = SimdLevel::best);

    /// Builds the matrix for (k, r) ahead of the first block.
    Status prepare(std::size_t k, std::size_t r);

    Status encode(std::span<const std::uint8_t* const> sources, std::span<std::uint8_t* const> repairs,
                  std::size_t symbol_size) override;

private:
    const GfKernels& kernels_;
    LdpcMatrix matrix_;
    std::vector<const std::uint8_t*> inputs_;
};

} // namespace rocd::transport::fec
