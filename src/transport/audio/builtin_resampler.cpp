#include "transport/audio/builtin_resampler.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace rocd::transport::audio {

namespace {

constexpr double Pi = 3.14159265358979323846;
// Passband edge relative to Nyquist: a 1 % faster ratio still keeps aliasing
// of the top octave in the window's stopband.
constexpr double Cutoff = 0.90;
constexpr double KaiserBeta = 7.0;

typedef float V4 __attribute__((vector_size(16)));

V4 load(const float* p) {
    V4 v;
    std::memcpy(&v, p, sizeof(v));
    return v;
}

double bessel_i0(double x) {
    double sum = 1, term = 1;
    for (int k = 1; k < 30; ++k) {
        term *= (x / (2 * k)) * (x / (2 * k));
        sum += term;
    }
    return sum;
}

double kernel(double d) {
    const double w = double(BuiltinResampler::HalfTaps);
    if (std::abs(d) >= w) {
        return 0;
    }
    const double x = Cutoff * d;
    const double sinc = std::abs(x) < 1e-12 ? 1.0 : std::sin(Pi * x) / (Pi * x);
    const double r = d / w;
    const double window = bessel_i0(KaiserBeta * std::sqrt(1 - r * r)) / bessel_i0(KaiserBeta);
    return Cutoff * sinc * window;
}

// Row p holds the taps for a fractional position p/Phases: tap k weighs
// input frame (i - HalfTaps + 1 + k) for an output at i + p/Phases. The
// same for every instance: made once, on first use, then only read.
const std::vector<float>& kernel_table() {
    using R = BuiltinResampler;
    static const std::vector<float> table = [] {
        std::vector<float> t((R::Phases + 1) * R::Taps);
        for (std::size_t p = 0; p <= R::Phases; ++p) {
            const double frac = double(p) / R::Phases;
            double sum = 0;
            for (std::size_t k = 0; k < R::Taps; ++k) {
                sum += kernel(double(k) - double(R::HalfTaps - 1) - frac);
            }
            for (std::size_t k = 0; k < R::Taps; ++k) {
                // Unity DC gain.
                t[p * R::Taps + k] =
                    static_cast<float>(kernel(double(k) - double(R::HalfTaps - 1) - frac) / sum);
            }
        }
        return t;
    }();
    return table;
}

} // namespace

BuiltinResampler::BuiltinResampler(std::size_t channels, std::size_t max_in)
    : channels_(channels), capacity_(max_in + Taps + 2), table_(kernel_table().data()),
      buf_(capacity_ * channels) {
    reset();
}

void BuiltinResampler::reset() {
    // Start with a history of silence so the first output is at input 0.
    std::fill(buf_.begin(), buf_.end(), 0.0f);
    frames_ = HalfTaps - 1;
    pos_ = double(HalfTaps - 1);
}

void BuiltinResampler::process(const float* in, std::size_t& in_frames, float* out, std::size_t& out_frames) {
    const std::size_t ch = channels_;
    // History is kept planar (one row per channel) so every dot product
    // runs over contiguous floats and vectorises.
    const std::size_t take = std::min(in_frames, capacity_ - frames_);
    for (std::size_t c = 0; c < ch; ++c) {
        float* row = buf_.data() + c * capacity_ + frames_;
        for (std::size_t f = 0; f < take; ++f) {
            row[f] = in[f * ch + c];
        }
    }
    frames_ += take;
    in_frames = take;

    std::size_t produced = 0;
    while (produced < out_frames) {
        const auto i = static_cast<std::size_t>(pos_);
        if (i + HalfTaps + 1 > frames_) {
            break; // needs input up to i + HalfTaps
        }
        const double phase = (pos_ - double(i)) * Phases;
        const auto p = static_cast<std::size_t>(phase);
        const float a = static_cast<float>(phase - double(p));
        const float* h0 = table_ + p * Taps;
        // 16 taps = 4 vectors of 4 floats (SSE2, the x86-64 baseline).
        V4 h[Taps / 4];
        const V4 av = {a, a, a, a};
        for (std::size_t v = 0; v < Taps / 4; ++v) {
            const V4 lo = load(h0 + 4 * v);
            const V4 hi = load(h0 + Taps + 4 * v);
            h[v] = lo + av * (hi - lo);
        }
        const std::size_t first = i + 1 - HalfTaps;
        for (std::size_t c = 0; c < ch; ++c) {
            const float* x = buf_.data() + c * capacity_ + first;
            V4 acc = h[0] * load(x);
            for (std::size_t v = 1; v < Taps / 4; ++v) {
                acc += h[v] * load(x + 4 * v);
            }
            out[produced * ch + c] = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        }
        ++produced;
        pos_ += step_;
    }
    out_frames = produced;

    // Keep only the history the next outputs need.
    const auto i = static_cast<std::size_t>(pos_);
    const std::size_t keep_from = i + 1 >= HalfTaps ? std::min(i + 1 - HalfTaps, frames_) : 0;
    if (keep_from > 0) {
        for (std::size_t c = 0; c < ch; ++c) {
            float* row = buf_.data() + c * capacity_;
            std::memmove(row, row + keep_from, (frames_ - keep_from) * sizeof(float));
        }
        frames_ -= keep_from;
        pos_ -= double(keep_from);
    }
}

} // namespace rocd::transport::audio
