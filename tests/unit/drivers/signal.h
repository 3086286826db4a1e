// Signal checks for driver tests: tone frequency, level and gaps.
#pragma once

#include <cmath>
#include <cstddef>
#include <numbers>
#include <span>
#include <vector>

namespace rocd::test {

/// One channel out of interleaved frames.
inline std::vector<float> channel(std::span<const float> interleaved, std::size_t channels, std::size_t ch) {
    std::vector<float> out;
    out.reserve(interleaved.size() / channels);
    for (std::size_t i = ch; i < interleaved.size(); i += channels) {
        out.push_back(interleaved[i]);
    }
    return out;
}

/// Amplitude of the `hz` component of `x` (Goertzel); a full-scale sine of
/// amplitude A at exactly `hz` gives ~A.
inline double goertzel_amplitude(std::span<const float> x, double hz, double rate) {
    const double w = 2.0 * std::numbers::pi * hz / rate;
    const double coeff = 2.0 * std::cos(w);
    double s1 = 0, s2 = 0;
    for (float v : x) {
        const double s0 = v + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    return 2.0 * std::sqrt(std::max(power, 0.0)) / static_cast<double>(x.size());
}

inline double rms(std::span<const float> x) {
    double sum = 0;
    for (float v : x) {
        sum += double(v) * v;
    }
    return x.empty() ? 0.0 : std::sqrt(sum / static_cast<double>(x.size()));
}

/// The frequency in [lo, hi] Hz (1 Hz steps) with the largest Goertzel amplitude.
inline double dominant_frequency(std::span<const float> x, double rate, double lo, double hi) {
    double best = lo, best_amp = -1;
    for (double f = lo; f <= hi; f += 1.0) {
        const double a = goertzel_amplitude(x, f, rate);
        if (a > best_amp) {
            best_amp = a;
            best = f;
        }
    }
    return best;
}

/// Longest run of consecutive samples with |v| < threshold: a tone has
/// none longer than a few samples near its zero crossings.
inline std::size_t longest_silence(std::span<const float> x, float threshold = 1e-4f,
                                   std::size_t* where = nullptr) {
    std::size_t best = 0, run = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        run = std::fabs(x[i]) < threshold ? run + 1 : 0;
        if (run > best) {
            best = run;
            if (where != nullptr) {
                *where = i + 1 - run;
            }
        }
    }
    return best;
}

/// Largest sample-to-sample jump: a click (a gap or a discontinuity) in a
/// sine of amplitude A at f Hz shows as a jump well above 2*pi*f/rate*A.
inline double max_step(std::span<const float> x) {
    double best = 0;
    for (std::size_t i = 1; i < x.size(); ++i) {
        best = std::max(best, double(std::fabs(x[i] - x[i - 1])));
    }
    return best;
}

} // namespace rocd::test
