#include "core/audio_limits.h"

namespace rocd::limits {

namespace {

Status check_range(std::uint32_t value, std::uint32_t min, std::uint32_t max, const std::string& field,
                   const char* unit) {
    if (value < min || value > max) {
        return fail(Errc::invalid_argument,
                    field + " must be " + std::to_string(min) + ".." + std::to_string(max) + unit, field);
    }
    return {};
}

} // namespace

Status check_rate(std::uint32_t rate, const std::string& field) {
    return check_range(rate, min_rate, max_rate, field, " Hz");
}

Status check_device_channels(std::uint32_t channels, const std::string& field) {
    return check_range(channels, min_device_channels, max_device_channels, field, "");
}

Status check_stream_channels(std::uint32_t channels, const std::string& field) {
    return check_range(channels, min_stream_channels, max_stream_channels, field, "");
}

Status check_volume(double volume, const std::string& field) {
    // Written so that NaN fails too.
    if (!(volume >= min_volume && volume <= max_volume)) {
        return fail(Errc::invalid_argument, field + " must be a number from 0 to 4 (linear gain, 1 = unity)",
                    field);
    }
    return {};
}

} // namespace rocd::limits
