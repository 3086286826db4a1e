// A budget for log lines a remote party can cause (refused requests,
// hostile packets): a burst goes through, then one line per interval, and
// the next line that goes through says how many were held back. Without
// it one client sending a few thousand bad requests a second fills the
// disk and buries everything else in the log.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace rocd {

class LogLimit {
public:
    using Clock = std::chrono::steady_clock;

    LogLimit(std::size_t burst, Clock::duration interval);

    /// Whether a line may be logged now (it takes one from the budget).
    bool allow(Clock::time_point now = Clock::now());

    /// For the line allow() let through: " (N similar lines not logged)"
    /// when lines were held back before it, else "".
    std::string held_back() const;

private:
    std::size_t burst_;
    Clock::duration interval_;
    std::size_t tokens_;
    /// Unset until the first allow(): any time point is a valid "now".
    std::optional<Clock::time_point> refilled_;
    std::size_t held_ = 0;
    std::size_t held_before_line_ = 0;
};

} // namespace rocd
