// Measures the session's queue latency and steers the resampler with it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "transport/audio/depacketizer.h"
#include "transport/audio/freq_estimator.h"
#include "transport/audio/resampler.h"

namespace rocd::transport::audio {

/// Pull stage between the depacketizer side and the resampler. Before each
/// read it takes the niq latency: the stream-time distance from the next
/// frame the depacketizer will play to the end of the newest queued packet
/// (as Roc does, WIRE.md §7). Every update_interval of stream it feeds the
/// estimator and applies the new scaling to the resampler (if any).
class LatencyMonitor final : public IFrameReader {
public:
    LatencyMonitor(IFrameReader& prev, const JitterBuffer& queue, const Depacketizer& depacketizer,
                   FreqEstimator& estimator, Resampler* resampler, std::size_t update_frames);

    /// Restarts measurement for a new session at `rate` (the encoding's).
    void reset(std::uint32_t rate);

    void read(float* samples, std::size_t frames) override;

    /// Latest niq latency, in stream samples (negative when the queue is behind).
    std::int64_t latency_samples() const { return latency_; }

private:
    void measure();

    IFrameReader& prev_;
    const JitterBuffer& queue_;
    const Depacketizer& depacketizer_;
    FreqEstimator& estimator_;
    Resampler* resampler_;
    std::size_t update_frames_;
    std::size_t since_update_ = 0;
    std::uint32_t rate_ = 44100;
    std::int64_t latency_ = 0;
};

} // namespace rocd::transport::audio
