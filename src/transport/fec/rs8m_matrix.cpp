#include "transport/fec/rs8m_matrix.h"

#include "transport/fec/gf256.h"

#include <utility>

namespace rocd::transport::fec {

namespace {

// Vandermonde row i: evaluation at 0 for i = 0, at alpha^(i-1) otherwise.
std::uint8_t vandermonde(std::size_t i, std::size_t j) {
    if (i == 0) {
        return j == 0 ? 1 : 0;
    }
    return gf::alpha_pow(static_cast<unsigned>(((i - 1) * j) % 255));
}

} // namespace

bool Rs8mMatrix::invert(std::uint8_t* m, std::uint8_t* out, std::size_t n) {
    for (std::size_t i = 0; i < n; i++) {
        for (std::size_t j = 0; j < n; j++) {
            out[i * n + j] = i == j ? 1 : 0;
        }
    }
    const auto& t = gf::tables();
    for (std::size_t c = 0; c < n; c++) {
        std::size_t p = c;
        while (p < n && m[p * n + c] == 0) {
            p++;
        }
        if (p == n) {
            return false;
        }
        if (p != c) {
            for (std::size_t j = 0; j < n; j++) {
                std::swap(m[p * n + j], m[c * n + j]);
                std::swap(out[p * n + j], out[c * n + j]);
            }
        }
        const std::uint8_t* scale = t.mul[gf::inv(m[c * n + c])];
        for (std::size_t j = 0; j < n; j++) {
            m[c * n + j] = scale[m[c * n + j]];
            out[c * n + j] = scale[out[c * n + j]];
        }
        for (std::size_t r = 0; r < n; r++) {
            const std::uint8_t f = m[r * n + c];
            if (r == c || f == 0) {
                continue;
            }
            const std::uint8_t* fm = t.mul[f];
            for (std::size_t j = 0; j < n; j++) {
                m[r * n + j] ^= fm[m[c * n + j]];
                out[r * n + j] ^= fm[out[c * n + j]];
            }
        }
    }
    return true;
}

Status Rs8mMatrix::prepare(std::size_t k) {
    if (k == 0 || k >= 255) {
        return fail(Errc::invalid_argument, "RS8M needs 1 <= k <= 254", "k");
    }
    if (rows_[k]) {
        return {};
    }
    std::vector<std::uint8_t> top(k * k), top_inv(k * k);
    for (std::size_t i = 0; i < k; i++) {
        for (std::size_t j = 0; j < k; j++) {
            top[i * k + j] = vandermonde(i, j);
        }
    }
    if (!invert(top.data(), top_inv.data(), k)) {
        return fail(Errc::internal, "RS8M Vandermonde matrix is singular");
    }
    auto rows = std::make_unique<std::vector<std::uint8_t>>((255 - k) * k);
    std::vector<std::uint8_t> v(k);
    for (std::size_t e = k; e < 255; e++) {
        for (std::size_t j = 0; j < k; j++) {
            v[j] = vandermonde(e, j);
        }
        std::uint8_t* row = rows->data() + (e - k) * k;
        for (std::size_t j = 0; j < k; j++) {
            std::uint8_t acc = 0;
            for (std::size_t l = 0; l < k; l++) {
                acc ^= gf::mul(v[l], top_inv[l * k + j]);
            }
            row[j] = acc;
        }
    }
    rows_[k] = std::move(rows);
    return {};
}

} // namespace rocd::transport::fec
