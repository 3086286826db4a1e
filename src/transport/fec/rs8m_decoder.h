// Reed-Solomon GF(2^8) decoder for Roc Toolkit's RS8M blocks.
#pragma once

#include "transport/fec/block_codec.h"
#include "transport/fec/rs8m_matrix.h"

#include <vector>

namespace rocd::transport::fec {

/// RS8M block decoder: any k of the k + r symbols give back every source.
/// With m sources missing it uses the first m repairs received, inverts the
/// m x m part of the generator that multiplies the missing sources and
/// computes each missing source as one linear combination of k symbols.
class Rs8mDecoder final : public BlockDecoder {
public:
    explicit Rs8mDecoder(SimdLevel simd = SimdLevel::best,
                         std::size_t max_symbol_size = default_max_symbol_size);

protected:
    Status prepare(std::size_t k, std::size_t r) override;
    Status decode_missing(std::span<std::uint8_t* const> sources) override;

private:
    const GfKernels& kernels_;
    Rs8mMatrix matrix_;
    // Work space sized for the largest block at construction.
    std::vector<std::uint8_t> work_; // decoding matrix, up to 256 rows of 256 bytes
    std::vector<std::uint8_t*> rows_;
    std::vector<std::size_t> missing_, known_, repairs_;
    std::vector<const std::uint8_t*> inputs_;
};

} // namespace rocd::transport::fec
