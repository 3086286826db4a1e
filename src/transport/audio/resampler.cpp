#include "transport/audio/resampler.h"

#include <algorithm>
#include <cmath>

#include <speex/speex_resampler.h>

namespace rocd::transport::audio {

namespace {

// Rates are given to speex in whole hertz, as Roc does: a scaling step is
// then 1/rate (23 ppm at 44.1 kHz), fine enough for the PI controller.
// Finer fractions (num/den scaled up) make speexdsp 1.2.1 read out of
// bounds once the ratio varies (seen with 10x and 1000x scales).
double precision_for(std::uint32_t, std::uint32_t) {
    return 1.0;
}

} // namespace

Resampler::Resampler(std::size_t channels, std::uint32_t in_rate, std::uint32_t out_rate, int quality,
                     double max_scaling_delta, ResamplerBackend backend)
    : in_rate_(in_rate), out_rate_(out_rate), max_delta_(max_scaling_delta) {
    if (backend == ResamplerBackend::builtin && in_rate == out_rate) {
        builtin_ = std::make_unique<BuiltinResampler>(channels);
        return;
    }
    int err = 0;
    state_ = speex_resampler_init(static_cast<spx_uint32_t>(channels), in_rate, out_rate,
                                  std::clamp(quality, 0, 10), &err);
    if (state_ == nullptr || err != RESAMPLER_ERR_SUCCESS) {
        state_ = nullptr;
        return;
    }
    // Grow every internal table now: the largest ratio needs the longest
    // filter memory and a fractional ratio needs the interpolation table.
    apply(1.0 + max_delta_);
    apply(1.0 - max_delta_ / 3.0);
    apply(1.0);
    speex_resampler_reset_mem(state_);
    speex_resampler_skip_zeros(state_);
}

Resampler::~Resampler() {
    if (state_ != nullptr) {
        speex_resampler_destroy(state_);
    }
}

void Resampler::apply(double scaling) {
    if (builtin_) {
        builtin_->set_scaling(scaling);
        return;
    }
    const double precision = precision_for(in_rate_, out_rate_);
    const double num = std::round(double(in_rate_) * scaling * precision);
    const double den = double(out_rate_) * precision;
    speex_resampler_set_rate_frac(state_, static_cast<spx_uint32_t>(num), static_cast<spx_uint32_t>(den),
                                  in_rate_, out_rate_);
}

double Resampler::set_scaling(double scaling) {
    scaling = std::clamp(scaling, 1.0 - max_delta_, 1.0 + max_delta_);
    if (valid() && scaling != scaling_) {
        apply(scaling);
    }
    scaling_ = scaling;
    return scaling_;
}

void Resampler::process(const float* in, std::size_t& in_frames, float* out, std::size_t& out_frames) {
    if (builtin_) {
        builtin_->process(in, in_frames, out, out_frames);
        return;
    }
    if (state_ == nullptr) {
        in_frames = 0;
        out_frames = 0;
        return;
    }
    auto in_len = static_cast<spx_uint32_t>(in_frames);
    auto out_len = static_cast<spx_uint32_t>(out_frames);
    speex_resampler_process_interleaved_float(state_, in, &in_len, out, &out_len);
    in_frames = in_len;
    out_frames = out_len;
}

void Resampler::reset() {
    if (builtin_) {
        set_scaling(1.0);
        builtin_->reset();
        return;
    }
    if (state_ != nullptr) {
        set_scaling(1.0);
        speex_resampler_reset_mem(state_);
        speex_resampler_skip_zeros(state_);
    }
}

void ResamplerReader::reset() {
    pos_ = len_ = 0;
    resampler_.reset();
}

std::size_t Resampler::input_latency() const {
    if (builtin_) {
        return BuiltinResampler::HalfTaps;
    }
    return state_ != nullptr ? static_cast<std::size_t>(speex_resampler_get_input_latency(state_)) : 0;
}

ResamplerReader::ResamplerReader(IFrameReader& prev, Resampler& resampler, std::size_t channels,
                                 std::size_t chunk)
    : prev_(prev), resampler_(resampler), channels_(channels), chunk_(chunk), buf_(chunk * channels) {}

void ResamplerReader::read(float* samples, std::size_t frames) {
    while (frames > 0) {
        if (pos_ == len_) {
            prev_.read(buf_.data(), chunk_);
            pos_ = 0;
            len_ = chunk_;
        }
        std::size_t in_n = len_ - pos_;
        std::size_t out_n = frames;
        resampler_.process(buf_.data() + pos_ * channels_, in_n, samples, out_n);
        if (in_n == 0 && out_n == 0) {
            // Only a broken resampler gets here; never spin, never leave garbage.
            std::fill(samples, samples + frames * channels_, 0.0f);
            return;
        }
        pos_ += in_n;
        samples += out_n * channels_;
        frames -= out_n;
    }
}

ResamplerWriter::ResamplerWriter(IFrameWriter& next, Resampler& resampler, std::size_t channels,
                                 std::size_t chunk)
    : next_(next), resampler_(resampler), channels_(channels), chunk_(chunk), buf_(chunk * channels) {}

void ResamplerWriter::write(const float* samples, std::size_t frames) {
    while (frames > 0) {
        std::size_t in_n = frames;
        std::size_t out_n = chunk_;
        resampler_.process(samples, in_n, buf_.data(), out_n);
        if (out_n > 0) {
            next_.write(buf_.data(), out_n);
        }
        if (in_n == 0 && out_n == 0) {
            return;
        }
        samples += in_n * channels_;
        frames -= in_n;
    }
}

} // namespace rocd::transport::audio
