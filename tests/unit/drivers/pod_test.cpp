#include <cstdint>

#include <gtest/gtest.h>
#include <spa/param/audio/raw.h>
#include <spa/pod/builder.h>

#include "drivers/pipewire/pod.h"

using namespace rocd::drivers::pw;

TEST(PipewirePod, format_round_trips_rate_channels_and_positions) {
    std::uint8_t buf[1024];
    spa_pod_builder b;
    spa_pod_builder_init(&b, buf, sizeof buf);
    const spa_pod* pod = build_f32_format(&b, 44100, 2, {"FL", "FR"});
    auto f = parse_format(pod);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->rate, 44100u);
    EXPECT_EQ(f->channels, 2u);
    EXPECT_EQ(f->positions, std::vector<std::string>({"FL", "FR"}));
}

TEST(PipewirePod, format_uses_default_positions_when_none_fit) {
    std::uint8_t buf[1024];
    spa_pod_builder b;
    spa_pod_builder_init(&b, buf, sizeof buf);
    auto f = parse_format(build_f32_format(&b, 48000, 3, {"FL"}));
    ASSERT_TRUE(f);
    EXPECT_EQ(f->positions, std::vector<std::string>({"AUX0", "AUX1", "AUX2"}));
}

TEST(PipewirePod, props_round_trip_volume_and_mute) {
    std::uint8_t buf[1024];
    spa_pod_builder b;
    spa_pod_builder_init(&b, buf, sizeof buf);
    auto p = parse_props(build_props(&b, 2, 0.25f, true));
    ASSERT_TRUE(p.volume);
    EXPECT_FLOAT_EQ(*p.volume, 0.25f);
    ASSERT_TRUE(p.mute);
    EXPECT_TRUE(*p.mute);
    spa_pod_builder_init(&b, buf, sizeof buf);
    auto only_mute = parse_props(build_props(&b, 2, std::nullopt, false));
    EXPECT_FALSE(only_mute.volume);
    ASSERT_TRUE(only_mute.mute);
    EXPECT_FALSE(*only_mute.mute);
}

TEST(PipewirePod, position_names_map_both_ways) {
    EXPECT_EQ(position_name(SPA_AUDIO_CHANNEL_FL), "FL");
    EXPECT_EQ(position_name(SPA_AUDIO_CHANNEL_MONO), "MONO");
    EXPECT_EQ(position_id("LFE"), std::uint32_t(SPA_AUDIO_CHANNEL_LFE));
    EXPECT_EQ(position_id("AUX5"), std::uint32_t(SPA_AUDIO_CHANNEL_AUX0 + 5));
    EXPECT_EQ(position_id("AUXx"), std::uint32_t(SPA_AUDIO_CHANNEL_UNKNOWN));
    EXPECT_EQ(position_id("nonsense"), std::uint32_t(SPA_AUDIO_CHANNEL_UNKNOWN));
    EXPECT_FALSE(parse_format(nullptr));
}
