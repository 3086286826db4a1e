// L16 sample conversion exactly as Roc does it (WIRE.md §2).
#pragma once

#include <cstddef>
#include <cstdint>

namespace rocd::transport::audio {

/// Float → signed 16-bit: ×32768, truncated toward zero, clipped.
inline std::int16_t float_to_s16(float v) {
    const float scaled = v * 32768.0f;
    if (!(scaled > -32768.0f)) { // also catches NaN
        return scaled != scaled ? 0 : -32768;
    }
    if (scaled >= 32767.0f) {
        return 32767;
    }
    return static_cast<std::int16_t>(scaled);
}

/// Signed 16-bit → float: ÷32768.
inline float s16_to_float(std::int16_t v) {
    return static_cast<float>(v) * (1.0f / 32768.0f);
}

/// Encodes `count` float samples as big-endian L16 into `out` (2·count bytes).
inline void encode_l16_be(const float* in, std::size_t count, std::uint8_t* out) {
    for (std::size_t i = 0; i < count; ++i) {
        const auto s = static_cast<std::uint16_t>(float_to_s16(in[i]));
        out[2 * i] = static_cast<std::uint8_t>(s >> 8);
        out[2 * i + 1] = static_cast<std::uint8_t>(s);
    }
}

/// Decodes `count` big-endian L16 samples from `in` into floats.
inline void decode_l16_be(const std::uint8_t* in, std::size_t count, float* out) {
    for (std::size_t i = 0; i < count; ++i) {
        const auto s = static_cast<std::int16_t>(std::uint16_t(in[2 * i]) << 8 | in[2 * i + 1]);
        out[i] = s16_to_float(s);
    }
}

} // namespace rocd::transport::audio
