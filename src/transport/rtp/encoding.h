// RTP payload types rocd knows: the static L16 assignments of RFC 3551 that
// Roc uses (WIRE.md §2).
#pragma once

#include <cstdint>
#include <optional>

namespace rocd::transport::rtp {

/// L16 stereo 44100 Hz: what roc-send always sends.
inline constexpr std::uint8_t PayloadType_L16_Stereo = 10;
/// L16 mono 44100 Hz.
inline constexpr std::uint8_t PayloadType_L16_Mono = 11;

/// The audio format a payload type stands for.
struct Encoding {
    std::uint8_t payload_type = 0;
    std::uint32_t sample_rate = 0;
    std::uint32_t channels = 0;
    /// Bytes per sample per channel.
    std::uint32_t sample_size = 0;

    std::uint32_t frame_size() const { return channels * sample_size; }
};

/// The encoding of a payload type, or nothing if rocd cannot play it.
std::optional<Encoding> find_encoding(std::uint8_t payload_type);

/// The payload type for L16 at `rate`/`channels`, if there is one.
std::optional<std::uint8_t> find_payload_type(std::uint32_t rate, std::uint32_t channels);

} // namespace rocd::transport::rtp
