// How every resource shows a point in time: RFC 3339 in UTC, to the second
// ("2026-12-07T03:50:00Z").
#pragma once

#include <chrono>
#include <string>

namespace rocd::api {

std::string iso8601(std::chrono::system_clock::time_point time);

} // namespace rocd::api
