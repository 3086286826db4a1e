// Clock drift between sender and receiver, simulated offline: the sender's
// audio clock runs ±0.5 % off the receiver's for 10 minutes of virtual time.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "helpers.h"
#include "tone.h"
#include "transport/receiver_pipeline.h"
#include "transport/sender_pipeline.h"

namespace rocd::transport {
namespace {

using namespace std::chrono_literals;

struct DriftResult {
    double min_latency_ms = 1e9, max_latency_ms = -1e9;
    std::uint64_t missing_after_settling = 0;
    std::uint64_t sessions_started = 0;
    double final_scaling = 1;
};

DriftResult simulate(double drift, core::Duration target, core::Duration settle, core::Duration total,
                     audio::ResamplerBackend backend = audio::ResamplerBackend::speex) {
    ReceiverConfig rc;
    rc.resampler_backend = backend;
    rc.target_latency = target;
    rc.resampler_quality = 1; // the control loop is under test, not the filter
    SenderConfig sc;
    test::PacketQueue wire;
    SenderPipeline sender(sc, wire);
    ReceiverPipeline receiver(rc, wire);

    constexpr std::size_t Step = 441; // receiver reads 10 ms at a time
    std::vector<float> in(4096 * 2), out(Step * 2);
    double sender_due = 0;  // sender frames owed, in its own clock
    std::uint64_t sent = 0; // sender frames produced
    double phase = 0;
    DriftResult r;
    std::uint64_t missing_at_settle = 0;
    const std::size_t steps = static_cast<std::size_t>(total / 10ms);
    const std::size_t settle_steps = static_cast<std::size_t>(settle / 10ms);
    for (std::size_t i = 0; i < steps; ++i) {
        // The sender's clock ticks (1 + drift) times as fast as the receiver's;
        // it writes 10 ms chunks of its own time, as a sound card would.
        sender_due += Step * (1 + drift);
        while (sender_due - double(sent) >= Step) {
            for (std::size_t f = 0; f < Step; ++f) {
                const float v = 0.5f * float(std::sin(phase));
                phase += 2 * 3.14159265358979 * 440 / 44100;
                in[2 * f] = in[2 * f + 1] = v;
            }
            sender.write(in.data(), Step);
            sent += Step;
        }
        receiver.read(out.data(), Step);
        const auto m = receiver.metrics();
        if (i == settle_steps) {
            missing_at_settle = m.frames_missing;
        }
        if (i >= settle_steps && m.sessions > 0) {
            const double lat = std::chrono::duration<double, std::milli>(m.latency).count();
            r.min_latency_ms = std::min(r.min_latency_ms, lat);
            r.max_latency_ms = std::max(r.max_latency_ms, lat);
        }
        r.final_scaling = m.scaling;
    }
    const auto m = receiver.metrics();
    r.missing_after_settling = m.frames_missing - missing_at_settle;
    r.sessions_started = m.sessions_started;
    return r;
}

void expect_held(const DriftResult& r, core::Duration target, double drift) {
    const double t = std::chrono::duration<double, std::milli>(target).count();
    const double tol = std::chrono::duration<double, std::milli>(default_latency_tolerance(target)).count();
    EXPECT_EQ(r.sessions_started, 1u) << "session restarted";
    EXPECT_EQ(r.missing_after_settling, 0u) << "underruns after settling";
    EXPECT_GT(r.min_latency_ms, t - tol);
    EXPECT_LT(r.max_latency_ms, t + tol);
    EXPECT_NEAR(r.final_scaling, 1 + drift, 0.001);
    std::printf("drift %+.3f target %.0f ms: latency %.1f..%.1f ms (tolerance %.1f), scaling %.5f\n", drift,
                t, r.min_latency_ms, r.max_latency_ms, tol, r.final_scaling);
}

TEST(Drift, holds_latency_when_sender_clock_is_half_percent_fast) {
    const auto r = simulate(+0.005, 200ms, 60s, 600s);
    expect_held(r, 200ms, +0.005);
}

TEST(Drift, holds_latency_when_sender_clock_is_half_percent_slow) {
    const auto r = simulate(-0.005, 200ms, 60s, 600s);
    expect_held(r, 200ms, -0.005);
}

TEST(Drift, builtin_resampler_holds_latency_with_drift) {
    const auto r = simulate(-0.005, 200ms, 60s, 600s, audio::ResamplerBackend::builtin);
    expect_held(r, 200ms, -0.005);
}

TEST(Drift, holds_low_target_latency_with_drift) {
    const auto r = simulate(+0.005, 20ms, 20s, 120s);
    expect_held(r, 20ms, +0.005);
}

} // namespace
} // namespace rocd::transport

namespace rocd::transport {
namespace {

TEST(Drift, resampled_output_stays_a_clean_tone) {
    ReceiverConfig rc;
    rc.target_latency = 60ms;
    test::PacketQueue wire;
    SenderPipeline sender(SenderConfig {}, wire);
    ReceiverPipeline receiver(rc, wire);
    std::vector<float> in(441 * 2), out, buf(441 * 2);
    double phase = 0;
    for (int i = 0; i < 300; ++i) {
        for (std::size_t f = 0; f < 441; ++f) {
            in[2 * f] = in[2 * f + 1] = 0.5f * float(std::sin(phase));
            phase += 2 * 3.14159265358979 * 440 / 44100;
        }
        sender.write(in.data(), 441);
        receiver.read(buf.data(), 441);
        out.insert(out.end(), buf.begin(), buf.end());
    }
    const std::size_t frames = out.size() / 2;
    EXPECT_GT(test::min_tone_purity(out, 2, 0, frames - 88200, frames, 440, 44100), 0.99);
    EXPECT_EQ(receiver.metrics().frames_missing, 0u);
}

} // namespace
} // namespace rocd::transport
