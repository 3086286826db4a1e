// Reed-Solomon GF(2^8) encoder producing Roc Toolkit's RS8M repair symbols.
#pragma once

#include "transport/fec/block_codec.h"
#include "transport/fec/rs8m_matrix.h"

#include <array>

namespace rocd::transport::fec {

/// RS8M (OpenFEC "Reed-Solomon GF(2^m)", m = 8) block encoder, WIRE.md §4.
class Rs8mEncoder final : public BlockEncoder {
public:
    /// `simd` picks the kernel family (tests and benchmarks compare them).
    explicit Rs8mEncoder(SimdLevel simd = SimdLevel::best);

    /// Builds the generator rows for k ahead of the first block.
    Status prepare(std::size_t k) { return matrix_.prepare(k); }

    Status encode(std::span<const std::uint8_t* const> sources, std::span<std::uint8_t* const> repairs,
                  std::size_t symbol_size) override;

private:
    const GfKernels& kernels_;
    Rs8mMatrix matrix_;
};

} // namespace rocd::transport::fec
