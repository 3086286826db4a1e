#include "transport/fec/ldpc_decoder.h"

#include <bitset>
#include <string>
#include <utility>

namespace rocd::transport::fec {

LdpcDecoder::LdpcDecoder(SimdLevel simd, std::size_t max_symbol_size)
    : kernels_(gf_kernels(simd)), repair_buf_(max_block_symbols * max_symbol_size) {
    max_symbol_size_ = max_symbol_size;
    steps_.reserve(2 * max_block_symbols);
    unknown_in_eq_.reserve(max_block_symbols);
    queue_.reserve(2 * max_block_symbols + 1);
    rows_.reserve(max_block_symbols);
    inputs_.reserve(max_block_symbols);
}

Status LdpcDecoder::prepare(std::size_t k, std::size_t r) {
    if (matrix_.k() == k && matrix_.r() == r) {
        return {};
    }
    return matrix_.build(k, r);
}

Status LdpcDecoder::decode_missing(std::span<std::uint8_t* const> sources) {
    const std::size_t k = k_;
    const std::size_t r = n_ - k_;
    SymbolSet known;
    for (std::size_t e = 0; e < n_; e++) {
        if (received_[e]) {
            known.set(e);
        }
    }

    // Plan 1: peeling. An equation with a single unknown symbol yields it.
    steps_.clear();
    queue_.clear();
    unknown_in_eq_.resize(r);
    for (std::size_t i = 0; i < r; i++) {
        const SymbolSet& eq = matrix_.equation(i);
        unknown_in_eq_[i] = static_cast<std::uint16_t>(eq.count() - (eq & known).count());
        if (unknown_in_eq_[i] == 1) {
            queue_.push_back(static_cast<std::uint16_t>(i));
        }
    }
    auto learn = [&](std::size_t u) {
        known.set(u);
        auto touch = [&](std::size_t e) {
            if (--unknown_in_eq_[e] == 1) {
                queue_.push_back(static_cast<std::uint16_t>(e));
            }
        };
        if (u < k) {
            for (std::uint16_t e : matrix_.col_rows(u)) {
                touch(e);
            }
        } else {
            touch(u - k);
            if (u - k + 1 < r) {
                touch(u - k + 1);
            }
        }
    };
    for (std::size_t head = 0; head < queue_.size(); head++) {
        const std::size_t i = queue_[head];
        if (unknown_in_eq_[i] != 1) {
            continue;
        }
        const SymbolSet& eq = matrix_.equation(i);
        std::size_t u = 0;
        eq.for_each([&](std::size_t e) {
            if (!known.test(e)) {
                u = e;
            }
        });
        Step step {static_cast<std::uint16_t>(u), eq};
        step.inputs.clear(u);
        steps_.push_back(step);
        learn(u);
    }

    bool sources_known = true;
    for (std::size_t j = 0; j < k && sources_known; j++) {
        sources_known = known.test(j);
    }

    // Plan 2: Gauss-Jordan over the equations that still have unknowns. A
    // missing source is determined iff its pivot row holds no free unknown.
    if (!sources_known) {
        SymbolSet unknown;
        for (std::size_t e = 0; e < n_; e++) {
            if (!known.test(e)) {
                unknown.set(e);
            }
        }
        rows_.clear();
        for (std::size_t i = 0; i < r; i++) {
            if (unknown_in_eq_[i] > 0) {
                rows_.push_back(matrix_.equation(i));
            }
        }
        std::array<std::int16_t, max_block_symbols> pivot_of;
        pivot_of.fill(-1);
        std::size_t p = 0;
        unknown.for_each([&](std::size_t c) {
            std::size_t q = p;
            while (q < rows_.size() && !rows_[q].test(c)) {
                q++;
            }
            if (q == rows_.size()) {
                return;
            }
            std::swap(rows_[p], rows_[q]);
            for (std::size_t o = 0; o < rows_.size(); o++) {
                if (o != p && rows_[o].test(c)) {
                    rows_[o] ^= rows_[p];
                }
            }
            pivot_of[c] = static_cast<std::int16_t>(p);
            p++;
        });
        for (std::size_t j = 0; j < k; j++) {
            if (!unknown.test(j) || pivot_of[j] < 0) {
                continue;
            }
            const SymbolSet& row = rows_[static_cast<std::size_t>(pivot_of[j])];
            if ((row & unknown).count() == 1) {
                Step step {static_cast<std::uint16_t>(j), row};
                step.inputs.clear(j);
                steps_.push_back(step);
            }
        }
    }

    // Execute only the steps a missing source depends on, in plan order.
    std::bitset<max_block_symbols> needed;
    for (const Step& s : steps_) {
        if (s.target < k) {
            needed[s.target] = true;
        }
    }
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
        if (needed[it->target]) {
            it->inputs.for_each([&](std::size_t e) {
                if (!received_[e]) {
                    needed[e] = true;
                }
            });
        }
    }
    auto symbol = [&](std::size_t e) -> std::uint8_t* {
        if (e < k) {
            return sources[e];
        }
        return repair_buf_.data() + (e - k) * max_symbol_size_;
    };
    for (const Step& s : steps_) {
        if (!needed[s.target]) {
            continue;
        }
        inputs_.clear();
        s.inputs.for_each([&](std::size_t e) { inputs_.push_back(received_[e] ? data_[e] : symbol(e)); });
        kernels_.xor_sum(symbol(s.target), inputs_.data(), inputs_.size(), symbol_size_);
        if (s.target < k) {
            restored_[s.target] = true;
        }
    }

    std::size_t lost = 0;
    for (std::size_t j = 0; j < k; j++) {
        if (!received_[j] && !restored_[j]) {
            lost++;
        }
    }
    if (lost > 0) {
        return fail(Errc::unavailable, "LDPC block not fully decodable: " + std::to_string(lost) +
                                           " source symbols undetermined");
    }
    return {};
}

} // namespace rocd::transport::fec
