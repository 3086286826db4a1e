#include "transport/fec/rs8m_encoder.h"

namespace rocd::transport::fec {

Rs8mEncoder::Rs8mEncoder(SimdLevel simd) : kernels_(gf_kernels(simd)) {}

Status Rs8mEncoder::encode(std::span<const std::uint8_t* const> sources,
                           std::span<std::uint8_t* const> repairs, std::size_t symbol_size) {
    const std::size_t k = sources.size();
    if (k == 0 || k + repairs.size() > max_block_symbols) {
        return fail(Errc::invalid_argument, "RS8M block must have 1 <= k and k + r <= 255", "k");
    }
    if (auto st = matrix_.prepare(k); !st) {
        return st;
    }
    for (std::size_t i = 0; i < repairs.size(); i++) {
        kernels_.mul_sum(repairs[i], sources.data(), matrix_.repair_row(k, k + i), k, symbol_size);
    }
    return {};
}

} // namespace rocd::transport::fec
