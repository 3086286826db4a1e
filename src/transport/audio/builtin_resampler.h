// A light resampler for drift compensation only: same nominal rate in and
// out, ratio within a percent of 1.
#pragma once

#include <cstddef>
#include <vector>

namespace rocd::transport::audio {

/// Windowed-sinc interpolation with a 16-tap, 256-phase table and linear
/// interpolation between phases: 32 multiply-adds per output sample and
/// channel (speex quality 5 needs about 320 in its fractional mode). Meant
/// for ratios near 1, where a short kernel keeps the passband to about
/// 0.9 of Nyquist. Everything is allocated at construction; the kernel
/// table is made once per process.
class BuiltinResampler {
public:
    /// max_in: largest input chunk per process() call (more is left unconsumed).
    BuiltinResampler(std::size_t channels, std::size_t max_in = 1024);

    /// Input frames consumed per output frame (Resampler's scaling).
    void set_scaling(double scaling) { step_ = scaling; }

    /// Same contract as Resampler::process.
    void process(const float* in, std::size_t& in_frames, float* out, std::size_t& out_frames);

    void reset();

    static constexpr std::size_t HalfTaps = 8;
    static constexpr std::size_t Taps = 2 * HalfTaps;
    static constexpr std::size_t Phases = 256;

private:
    std::size_t channels_;
    std::size_t capacity_;   // frames in buf_
    const float* table_;     // (Phases + 1) × Taps, shared by every instance
    std::vector<float> buf_; // channels_ rows of capacity_ frames: history + new input
    std::size_t frames_ = 0; // frames held in buf_
    double pos_ = 0;         // input position of the next output frame
    double step_ = 1.0;
};

} // namespace rocd::transport::audio
