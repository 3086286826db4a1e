#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "tone.h"
#include "transport/audio/resampler.h"

namespace rocd::transport::audio {
namespace {

// Resamples a 1 kHz stereo tone at `scaling` and returns the output.
std::vector<float> run(ResamplerBackend backend, int quality, double scaling, std::size_t out_frames,
                       std::size_t* consumed = nullptr, double freq = 1000) {
    Resampler r(2, 44100, 44100, quality, 0.01, backend);
    EXPECT_TRUE(r.valid());
    r.set_scaling(scaling);
    std::vector<float> out(out_frames * 2), in(64 * 2);
    std::size_t n_in = 0, produced = 0;
    double phase = 0;
    std::size_t pos = 0, len = 0;
    while (produced < out_frames) {
        if (pos == len) {
            for (std::size_t f = 0; f < 64; ++f) {
                in[2 * f] = in[2 * f + 1] = 0.5f * float(std::sin(phase));
                phase += 2 * 3.14159265358979 * freq / 44100;
            }
            pos = 0;
            len = 64;
        }
        std::size_t i = len - pos, o = out_frames - produced;
        r.process(in.data() + pos * 2, i, out.data() + produced * 2, o);
        pos += i;
        n_in += i;
        produced += o;
    }
    if (consumed != nullptr) {
        *consumed = n_in - (len - pos);
    }
    return out;
}

TEST(Resampler, builtin_keeps_a_clean_tone_at_drift_ratios) {
    for (double s : {1.0, 1.005, 0.995, 1.01}) {
        const auto out = run(ResamplerBackend::builtin, 0, s, 44100);
        // Consuming faster raises the pitch by the scaling.
        EXPECT_GT(test::min_tone_purity(out, 2, 0, 4410, 44100, 1000 * s, 44100), 0.999) << s;
        EXPECT_GT(test::min_tone_purity(out, 2, 1, 4410, 44100, 1000 * s, 44100), 0.999) << s;
    }
}

TEST(Resampler, builtin_consumes_input_at_the_scaling_ratio) {
    std::size_t consumed = 0;
    run(ResamplerBackend::builtin, 0, 1.004, 100000, &consumed);
    EXPECT_NEAR(double(consumed) / 100000.0, 1.004, 0.0002);
}

TEST(Resampler, builtin_at_unity_is_a_delayed_copy_of_a_low_tone) {
    const auto out = run(ResamplerBackend::builtin, 0, 1.0, 2000);
    // Output frame n is input frame n (the kernel is centred): compare a 1 kHz tone.
    double err = 0;
    for (std::size_t f = 100; f < 2000; ++f) {
        const double want = 0.5 * std::sin(2 * 3.14159265358979 * 1000 * double(f) / 44100);
        err = std::max(err, std::abs(double(out[2 * f]) - want));
    }
    EXPECT_LT(err, 2e-3);
}

TEST(Resampler, builtin_passband_gain_is_near_unity_up_to_16_khz) {
    for (double f : {100.0, 5000.0, 10000.0, 16000.0}) {
        const auto out = run(ResamplerBackend::builtin, 0, 1.005, 20000, nullptr, f);
        double energy = 0;
        for (std::size_t i = 2000 * 2; i < out.size(); ++i) {
            energy += double(out[i]) * out[i];
        }
        const double rms = std::sqrt(energy / double(out.size() - 4000));
        const double gain_db = 20 * std::log10(rms / (0.5 / std::sqrt(2.0)));
        std::printf("builtin resampler gain at %.0f Hz: %+.2f dB\n", f, gain_db);
        EXPECT_NEAR(gain_db, 0.0, f <= 10000 ? 0.1 : 1.0) << f;
    }
}

TEST(Resampler, speex_keeps_a_clean_tone_at_drift_ratios) {
    for (double s : {1.005, 0.995}) {
        const auto out = run(ResamplerBackend::speex, 5, s, 44100);
        EXPECT_GT(test::min_tone_purity(out, 2, 0, 4410, 44100, 1000 * s, 44100), 0.999) << s;
    }
}

} // namespace
} // namespace rocd::transport::audio
