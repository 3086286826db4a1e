#include "transport/fec/fec_scheme.h"

#include "transport/fec/ldpc_decoder.h"
#include "transport/fec/ldpc_encoder.h"
#include "transport/fec/payload_id.h"
#include "transport/fec/rs8m_decoder.h"
#include "transport/fec/rs8m_encoder.h"

namespace rocd::transport::fec {

std::optional<FecScheme> fec_scheme_from_uri_scheme(std::string_view scheme) {
    if (scheme == "rtp+rs8m" || scheme == "rs8m") {
        return FecScheme::rs8m;
    }
    if (scheme == "rtp+ldpc" || scheme == "ldpc") {
        return FecScheme::ldpc_staircase;
    }
    return std::nullopt;
}

std::size_t source_footer_size(FecScheme scheme) {
    return scheme == FecScheme::rs8m ? Rs8mPayloadId::size : LdpcSourcePayloadId::size;
}

std::size_t repair_header_size(FecScheme scheme) {
    return scheme == FecScheme::rs8m ? Rs8mPayloadId::size : LdpcRepairPayloadId::size;
}

std::unique_ptr<BlockEncoder> make_block_encoder(FecScheme scheme, SimdLevel simd) {
    if (scheme == FecScheme::rs8m) {
        return std::make_unique<Rs8mEncoder>(simd);
    }
    return std::make_unique<LdpcEncoder>(simd);
}

std::unique_ptr<BlockDecoder> make_block_decoder(FecScheme scheme, SimdLevel simd,
                                                 std::size_t max_symbol_size) {
    if (scheme == FecScheme::rs8m) {
        return std::make_unique<Rs8mDecoder>(simd, max_symbol_size);
    }
    return std::make_unique<LdpcDecoder>(simd, max_symbol_size);
}

} // namespace rocd::transport::fec
