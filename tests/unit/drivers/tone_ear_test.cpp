// The mock sinks' ear: what counts as a clean 10 ms window of tone.
#include "drivers/mock/tone_ear.h"

#include <cmath>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

namespace rocd::drivers {
namespace {

/// `seconds` of a stereo tone at `hz`, starting at phase `phase`.
std::vector<float> tone(double hz, double seconds, double phase = 0.3) {
    std::vector<float> out;
    for (int i = 0; i < int(48000 * seconds); ++i) {
        const float v = 0.5f * float(std::sin(2 * std::numbers::pi * hz * i / 48000 + phase));
        out.push_back(v);
        out.push_back(v);
    }
    return out;
}

ToneEar::Counts heard(const std::vector<float>& played, std::uint32_t chunk = 240) {
    ToneEar ear;
    for (std::size_t at = 0; at < played.size() / 2; at += chunk) {
        const auto n = std::uint32_t(std::min<std::size_t>(chunk, played.size() / 2 - at));
        ear.hear("sink", &played[at * 2], n, 2, 48000, 440.0);
    }
    return ear.counts().at("sink");
}

TEST(ToneEar, a_pure_tone_is_clean_in_every_window_whatever_its_phase_or_a_small_drift) {
    EXPECT_EQ(heard(tone(440, 1.0)).windows, 100u);
    EXPECT_EQ(heard(tone(440, 1.0)).clean, 100u);
    EXPECT_EQ(heard(tone(440, 1.0, 2.0), 1000).clean, 100u);
    EXPECT_EQ(heard(tone(440 * 1.005, 1.0)).clean, 100u) << "drift compensation at its limit";
}

TEST(ToneEar, silence_another_tone_and_gaps_are_not) {
    EXPECT_EQ(heard(std::vector<float>(96000, 0.0f)).clean, 0u);
    EXPECT_EQ(heard(tone(1000, 1.0)).clean, 0u);
    auto gapped = tone(440, 1.0);
    // A 2 ms gap in each of the first ten windows, as a dropped packet leaves.
    for (int w = 0; w < 10; ++w) {
        std::fill_n(gapped.begin() + (w * 480 + 100) * 2, 96 * 2, 0.0f);
    }
    EXPECT_EQ(heard(gapped).clean, 90u);
}

} // namespace
} // namespace rocd::drivers
