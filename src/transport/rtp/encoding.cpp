#include "transport/rtp/encoding.h"

namespace rocd::transport::rtp {

namespace {

constexpr Encoding Encodings[] = {
    {PayloadType_L16_Stereo, 44100, 2, 2},
    {PayloadType_L16_Mono, 44100, 1, 2},
};

} // namespace

std::optional<Encoding> find_encoding(std::uint8_t payload_type) {
    for (const auto& e : Encodings) {
        if (e.payload_type == payload_type) {
            return e;
        }
    }
    return std::nullopt;
}

std::optional<std::uint8_t> find_payload_type(std::uint32_t rate, std::uint32_t channels) {
    for (const auto& e : Encodings) {
        if (e.sample_rate == rate && e.channels == channels) {
            return e.payload_type;
        }
    }
    return std::nullopt;
}

} // namespace rocd::transport::rtp
