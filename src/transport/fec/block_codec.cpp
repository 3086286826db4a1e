#include "transport/fec/block_codec.h"

#include <string>

namespace rocd::transport::fec {

Status BlockDecoder::begin(std::size_t k, std::size_t r, std::size_t symbol_size) {
    k_ = 0;
    n_ = 0;
    received_.reset();
    restored_.reset();
    if (k == 0 || k + r > max_block_symbols) {
        return fail(Errc::invalid_argument, "FEC block must have 1 <= k and k + r <= 255", "k");
    }
    if (symbol_size == 0 || symbol_size > max_symbol_size_) {
        return fail(Errc::invalid_argument,
                    "FEC symbol size must be 1.." + std::to_string(max_symbol_size_) + " bytes",
                    "symbol_size");
    }
    if (auto st = prepare(k, r); !st) {
        return st;
    }
    k_ = k;
    n_ = k + r;
    symbol_size_ = symbol_size;
    return {};
}

Status BlockDecoder::add(std::size_t esi, const std::uint8_t* data) {
    if (esi >= n_ || data == nullptr) {
        return fail(Errc::invalid_argument, "ESI outside the FEC block", "esi");
    }
    if (!received_[esi]) {
        received_[esi] = true;
        data_[esi] = data;
    }
    return {};
}

Status BlockDecoder::decode(std::span<std::uint8_t* const> sources) {
    restored_.reset();
    if (n_ == 0) {
        return fail(Errc::invalid_argument, "decode() without a successful begin()");
    }
    if (sources.size() != k_) {
        return fail(Errc::invalid_argument, "decode() needs one output slot per source symbol", "sources");
    }
    bool missing = false;
    for (std::size_t j = 0; j < k_; j++) {
        if (!received_[j]) {
            missing = true;
            if (sources[j] == nullptr) {
                return fail(Errc::invalid_argument, "no output buffer for a missing source symbol",
                            "sources");
            }
        }
    }
    if (!missing) {
        return {};
    }
    return decode_missing(sources);
}

} // namespace rocd::transport::fec
