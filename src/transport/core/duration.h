// Time values in Roc's command-line units: "20ms", "1.5s", "100us", "1m".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.h"

namespace rocd::transport::core {

/// Durations are nanoseconds everywhere in the transport.
using Duration = std::chrono::nanoseconds;

/// Parses a non-negative number followed by one of ns, us, ms, s, m, h
/// (the unit is mandatory, as in Roc). Fails naming what is wrong.
Result<Duration> parse_duration(std::string_view text);

/// Human form with the largest unit that keeps it exact ("20ms", "1.5s").
std::string format_duration(Duration d);

/// Samples at `rate` in `d`, rounded to nearest (Roc rounds the same way).
inline std::size_t duration_to_samples(Duration d, std::uint32_t rate) {
    return static_cast<std::size_t>(double(d.count()) * rate / 1e9 + 0.5);
}

} // namespace rocd::transport::core
