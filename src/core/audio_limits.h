// The one set of limits on audio formats and gain that every layer checks
// against: the API, the services, the drivers and the transport. Why these
// numbers is in docs/ports.md ("Limits").
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"

namespace rocd::limits {

/// Sample rates, in Hz: from narrow-band speech to high-resolution audio.
inline constexpr std::uint32_t min_rate = 8000;
inline constexpr std::uint32_t max_rate = 192000;

/// Channels of a device rocd creates (a virtual speaker or microphone).
inline constexpr std::uint32_t min_device_channels = 1;
inline constexpr std::uint32_t max_device_channels = 32;

/// Channels of a network stream: the widest layout Roc's surround
/// encodings carry (7.1).
inline constexpr std::uint32_t min_stream_channels = 1;
inline constexpr std::uint32_t max_stream_channels = 8;

/// Linear gain set through the API (4 = +12 dB).
inline constexpr double min_volume = 0.0;
inline constexpr double max_volume = 4.0;

/// Errc::invalid_argument naming `field` ("rate must be 8000..192000 Hz").
Status check_rate(std::uint32_t rate, const std::string& field = "rate");
Status check_device_channels(std::uint32_t channels, const std::string& field = "channels");
Status check_stream_channels(std::uint32_t channels, const std::string& field = "channels");
Status check_volume(double volume, const std::string& field = "volume");

} // namespace rocd::limits
