#include "core/log_limit.h"

namespace rocd {

LogLimit::LogLimit(std::size_t burst, Clock::duration interval)
    : burst_(burst), interval_(interval), tokens_(burst) {}

bool LogLimit::allow(Clock::time_point now) {
    if (!refilled_) {
        refilled_ = now;
    }
    if (tokens_ < burst_ && now - *refilled_ >= interval_) {
        const auto earned = static_cast<std::size_t>((now - *refilled_) / interval_);
        tokens_ = earned >= burst_ - tokens_ ? burst_ : tokens_ + earned;
        *refilled_ += interval_ * static_cast<Clock::rep>(earned);
    }
    if (tokens_ == burst_) {
        refilled_ = now; // a full budget earns nothing while it waits
    }
    if (tokens_ == 0) {
        ++held_;
        return false;
    }
    --tokens_;
    held_before_line_ = held_;
    held_ = 0;
    return true;
}

std::string LogLimit::held_back() const {
    if (held_before_line_ == 0) {
        return {};
    }
    return " (" + std::to_string(held_before_line_) + " similar line" + (held_before_line_ == 1 ? "" : "s") +
           " not logged)";
}

} // namespace rocd
