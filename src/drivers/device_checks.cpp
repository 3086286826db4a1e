#include "drivers/device_checks.h"

#include "core/audio_limits.h"

namespace rocd::drivers {

Status check_virtual_device_spec(const VirtualDeviceSpec& spec) {
    if (spec.name.empty()) {
        return fail(Errc::invalid_argument, "a virtual device needs a name", "name");
    }
    if (spec.direction == PortDirection::duplex) {
        return fail(Errc::invalid_argument,
                    "a virtual device is an output (speaker) or an input (microphone)", "direction");
    }
    if (auto st = limits::check_device_channels(spec.channels); !st) {
        return st;
    }
    return limits::check_rate(spec.rate);
}

Status check_volume(float volume) {
    return limits::check_volume(volume);
}

Status check_io_format(std::uint32_t rate, std::uint32_t channels) {
    if (rate < min_hardware_rate || rate > max_hardware_rate || channels < 1 ||
        channels > max_hardware_channels) {
        return fail(Errc::invalid_argument, "unsupported rate or channel count", "rate");
    }
    return {};
}

} // namespace rocd::drivers
