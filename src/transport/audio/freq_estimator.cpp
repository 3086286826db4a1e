#include "transport/audio/freq_estimator.h"

#include <algorithm>

namespace rocd::transport::audio {

FreqEstimator::FreqEstimator(const FreqEstimatorConfig& config) : cfg_(config) {
    const double tol = std::max(1e-3, std::chrono::duration<double>(cfg_.tolerance).count());
    kp_ = 2.0 * cfg_.max_drift / tol;
    ki_ = kp_ * kp_ / 4.0;
    dt_ = std::chrono::duration<double>(cfg_.update_interval).count() *
          double(std::max<std::size_t>(1, cfg_.decimation));
    reset();
}

void FreqEstimator::reset() {
    sum_ = 0;
    count_ = 0;
    integral_ = 0;
    filtered_ = std::chrono::duration<double>(cfg_.target).count();
    scaling_ = 1.0;
}

void FreqEstimator::update(double latency_s) {
    sum_ += latency_s;
    if (++count_ < std::max<std::size_t>(1, cfg_.decimation)) {
        return;
    }
    filtered_ = sum_ / double(count_);
    sum_ = 0;
    count_ = 0;
    const double error = filtered_ - std::chrono::duration<double>(cfg_.target).count();
    const double limit = cfg_.max_scaling_delta;
    // Anti-windup: the integral alone never asks for more than the clamp.
    integral_ = std::clamp(integral_ + error * dt_, -limit / ki_, limit / ki_);
    scaling_ = std::clamp(1.0 + kp_ * error + ki_ * integral_, 1.0 - limit, 1.0 + limit);
}

} // namespace rocd::transport::audio
