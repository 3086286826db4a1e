// Which FEC code a stream uses, as named by Roc's endpoint URI schemes, and
// the codec objects for it.
#pragma once

#include "transport/fec/block_codec.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>

namespace rocd::transport::fec {

/// The FEC codes Roc Toolkit speaks (WIRE.md §1, §3).
enum class FecScheme {
    rs8m,          ///< `rtp+rs8m://` + `rs8m://`: Reed-Solomon GF(2^8)
    ldpc_staircase ///< `rtp+ldpc://` + `ldpc://`: LDPC-Staircase
};

/// Scheme of a source (`rtp+rs8m`, `rtp+ldpc`) or repair (`rs8m`, `ldpc`)
/// URI scheme; nullopt for anything else (including bare `rtp`).
std::optional<FecScheme> fec_scheme_from_uri_scheme(std::string_view scheme);

/// Size of the Source FEC Payload ID that ends every source packet (6 for both).
std::size_t source_footer_size(FecScheme scheme);

/// Size of the Repair FEC Payload ID that starts every repair packet (RS8M 6, LDPC 8).
std::size_t repair_header_size(FecScheme scheme);

/// An encoder for `scheme` using kernels of `simd`.
std::unique_ptr<BlockEncoder> make_block_encoder(FecScheme scheme, SimdLevel simd = SimdLevel::best);

/// A decoder for `scheme`, sized for symbols up to `max_symbol_size` bytes.
std::unique_ptr<BlockDecoder> make_block_decoder(FecScheme scheme, SimdLevel simd = SimdLevel::best,
                                                 std::size_t max_symbol_size = default_max_symbol_size);

} // namespace rocd::transport::fec
