// Variable-ratio resampler on top of speexdsp, as Roc's default backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "transport/audio/builtin_resampler.h"
#include "transport/audio/frame_io.h"

struct SpeexResamplerState_;

namespace rocd::transport::audio {

/// Which implementation converts.
enum class ResamplerBackend {
    speex,   ///< speexdsp, any rates (Roc's default backend)
    builtin, ///< BuiltinResampler: only when in and out rates are equal
             ///< (drift compensation); falls back to speex otherwise
};

/// Converts interleaved float audio from `in_rate` to `out_rate`, with the
/// input rate multiplied by a scaling factor that may change between calls
/// (drift compensation). Every buffer speex needs is grown at construction
/// for the largest allowed scaling, so set_scaling() never allocates.
class Resampler {
public:
    /// quality: speex 0..10 (Roc's "medium" profile is 5).
    Resampler(std::size_t channels, std::uint32_t in_rate, std::uint32_t out_rate, int quality = 5,
              double max_scaling_delta = 0.01, ResamplerBackend backend = ResamplerBackend::speex);
    ~Resampler();
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;

    bool valid() const { return state_ != nullptr || builtin_ != nullptr; }

    /// Scaling > 1 consumes input faster (drains a queue). Clamped to
    /// 1 ± max_scaling_delta. Returns the value applied.
    double set_scaling(double scaling);
    double scaling() const { return scaling_; }

    /// Consumes up to in_frames and produces up to out_frames; on return
    /// both hold what was actually consumed/produced.
    void process(const float* in, std::size_t& in_frames, float* out, std::size_t& out_frames);

    /// Forgets the signal history (a new stream); no allocation.
    void reset();

    /// Input frames held inside the filter (its delay), for latency accounting.
    std::size_t input_latency() const;

private:
    void apply(double scaling);

    SpeexResamplerState_* state_ = nullptr;
    std::unique_ptr<BuiltinResampler> builtin_;
    std::uint32_t in_rate_, out_rate_;
    double max_delta_;
    double scaling_ = 1.0;
};

/// Pull stage: produces frames at the output rate from an upstream reader
/// at the input rate, pulling `chunk` input frames at a time.
class ResamplerReader final : public IFrameReader {
public:
    ResamplerReader(IFrameReader& prev, Resampler& resampler, std::size_t channels, std::size_t chunk = 32);
    void read(float* samples, std::size_t frames) override;
    /// Drops buffered input and resets the resampler (a new stream).
    void reset();

private:
    IFrameReader& prev_;
    Resampler& resampler_;
    std::size_t channels_, chunk_;
    std::vector<float> buf_;
    std::size_t pos_ = 0, len_ = 0;
};

/// Push stage: converts what it is given and forwards it, chunk by chunk.
class ResamplerWriter final : public IFrameWriter {
public:
    ResamplerWriter(IFrameWriter& next, Resampler& resampler, std::size_t channels, std::size_t chunk = 256);
    void write(const float* samples, std::size_t frames) override;

private:
    IFrameWriter& next_;
    Resampler& resampler_;
    std::size_t channels_, chunk_;
    std::vector<float> buf_;
};

} // namespace rocd::transport::audio
