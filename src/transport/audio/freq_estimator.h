// Turns the measured queue latency into a resampler scaling factor that
// holds the latency at its target and absorbs the sender/receiver clock drift.
#pragma once

#include <cstddef>

#include "transport/core/duration.h"

namespace rocd::transport::audio {

/// Tuning of the estimator (see docs/transport.md, "Drift compensation").
struct FreqEstimatorConfig {
    /// Latency the controller holds.
    core::Duration target = std::chrono::milliseconds(200);
    /// Allowed deviation; sets the loop gain so that the largest expected
    /// drift moves the latency by well under this.
    core::Duration tolerance = std::chrono::milliseconds(200);
    /// Largest clock drift to absorb (Roc's scaling tolerance: 0.5 %).
    double max_drift = 0.005;
    /// Hard clamp of the scaling around 1 (headroom over max_drift).
    double max_scaling_delta = 0.01;
    /// Latency samples averaged per controller step.
    std::size_t decimation = 20;
    /// Stream time between two latency samples.
    core::Duration update_interval = std::chrono::milliseconds(5);
};

/// A PI controller on the decimated latency error, critically damped:
/// with error e in seconds, scaling = 1 + Kp·e + Ki·∫e dt, where
/// Kp = 2·max_drift / tolerance and Ki = Kp² / 4. A constant drift d is
/// then cancelled with zero steady-state error, and its transient peaks at
/// about d / max_drift · tolerance / (2·e) ≈ 0.37·tolerance at worst.
class FreqEstimator {
public:
    explicit FreqEstimator(const FreqEstimatorConfig& config);

    /// Feeds one latency sample (seconds), taken every update_interval.
    void update(double latency_s);

    /// Current scaling for the resampler's input rate.
    double scaling() const { return scaling_; }
    /// Latest decimated (filtered) latency, seconds.
    double filtered_latency() const { return filtered_; }

    void reset();

private:
    FreqEstimatorConfig cfg_;
    double kp_, ki_, dt_;
    double sum_ = 0;
    std::size_t count_ = 0;
    double integral_ = 0;
    double filtered_ = 0;
    double scaling_ = 1.0;
};

} // namespace rocd::transport::audio
