#include "transport/audio/latency_monitor.h"

namespace rocd::transport::audio {

LatencyMonitor::LatencyMonitor(IFrameReader& prev, const JitterBuffer& queue,
                               const Depacketizer& depacketizer, FreqEstimator& estimator,
                               Resampler* resampler, std::size_t update_frames)
    : prev_(prev), queue_(queue), depacketizer_(depacketizer), estimator_(estimator), resampler_(resampler),
      update_frames_(update_frames) {}

void LatencyMonitor::reset(std::uint32_t rate) {
    rate_ = rate;
    since_update_ = 0;
    latency_ = 0;
    estimator_.reset();
    if (resampler_ != nullptr) {
        resampler_->set_scaling(1.0);
    }
}

void LatencyMonitor::measure() {
    if (queue_.has_newest()) {
        latency_ = static_cast<std::int32_t>(queue_.newest_end() - depacketizer_.next_timestamp());
    }
}

void LatencyMonitor::read(float* samples, std::size_t frames) {
    measure();
    since_update_ += frames;
    while (since_update_ >= update_frames_) {
        since_update_ -= update_frames_;
        estimator_.update(double(latency_) / double(rate_));
        if (resampler_ != nullptr) {
            resampler_->set_scaling(estimator_.scaling());
        }
    }
    prev_.read(samples, frames);
}

} // namespace rocd::transport::audio
