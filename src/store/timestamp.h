// Wall-clock time of state changes (created_at / updated_at columns).
#pragma once

#include <chrono>
#include <functional>

namespace rocd::store {

/// A UTC wall-clock instant with millisecond resolution; stored as integer
/// milliseconds since the Unix epoch.
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// Source of "now" for the repositories; tests inject a fake one.
using Clock = std::function<Timestamp()>;

/// The system clock truncated to milliseconds.
inline Timestamp system_now() {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

} // namespace rocd::store
