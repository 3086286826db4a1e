// Generator matrices of OpenFEC's Reed-Solomon GF(2^8) code (WIRE.md §4):
// Vandermonde matrix made systematic through the inverse of its top k rows.
#pragma once

#include "core/error.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace rocd::transport::fec {

/// Repair rows of the RS8M generator matrix, one set per k, built on first
/// use and kept. Row e (ESI e >= k) depends on k and e only, so one set of
/// rows k..254 serves every r.
class Rs8mMatrix {
public:
    /// Builds the rows for `k` (1..254) if not built yet.
    Status prepare(std::size_t k);

    /// The k coefficients of repair ESI `esi` (k <= esi < 255). prepare(k)
    /// must have succeeded.
    const std::uint8_t* repair_row(std::size_t k, std::size_t esi) const {
        return rows_[k]->data() + (esi - k) * k;
    }

    /// Inverts the n x n matrix `m` (row-major) into `out` by Gauss-Jordan
    /// elimination; false if singular. `m` is destroyed.
    static bool invert(std::uint8_t* m, std::uint8_t* out, std::size_t n);

private:
    std::array<std::unique_ptr<std::vector<std::uint8_t>>, 255> rows_;
};

} // namespace rocd::transport::fec
