// The checks both drivers make before they create a device, open audio I/O
// or set a volume: one copy, so the mock refuses exactly what PipeWire does.
#pragma once

#include <cstdint>

#include "core/error.h"
#include "drivers/device.h"

namespace rocd::drivers {

/// A virtual device rocd may create: a name, output or input, and the
/// project-wide channel and rate limits (core/audio_limits.h).
/// Errc::invalid_argument naming the field.
Status check_virtual_device_spec(const VirtualDeviceSpec& spec);

/// A linear gain within the project-wide volume limits.
Status check_volume(float volume);

/// What a device may report, wider than what rocd creates: audio I/O on a
/// system device opens at its native format (a 64-channel interface, a
/// 384 kHz DAC). The mock fixture's system devices use the same range.
inline constexpr std::uint32_t max_hardware_channels = 64;
inline constexpr std::uint32_t min_hardware_rate = 1000;
inline constexpr std::uint32_t max_hardware_rate = 768000;

/// The resolved format of device audio I/O within the hardware range.
Status check_io_format(std::uint32_t rate, std::uint32_t channels);

} // namespace rocd::drivers
