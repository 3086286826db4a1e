#include "api/representation/stream_json.h"

#include <gtest/gtest.h>

namespace rocd::api {
namespace {

using nlohmann::json;
using streams::direction_name;
using streams::StreamDirection;
using streams::StreamSettings;

const char* port = "/peers/self/ports/aaaaaa-bbbbbb-cccccc";

TEST(StreamSpec, parses_send_and_round_trips) {
    const json body = {
        {"source", {{"type", "port"}, {"port_uri", port}}},
        {"destination", {{"type", "address"}, {"media_uri", "rtp://127.0.0.1:10001"}}},
        {"settings", {{"rate", 48000}, {"packet_length_ms", 5}}},
    };
    auto spec = parse_stream_spec(body);
    ASSERT_TRUE(spec) << spec.error().message;
    EXPECT_EQ(spec->direction, StreamDirection::send);
    EXPECT_EQ(spec->port_uid->str(), "aaaaaa-bbbbbb-cccccc");
    EXPECT_EQ(spec->settings.rate, 48000u);
    auto again = parse_stream_spec(spec_json(*spec));
    ASSERT_TRUE(again);
    EXPECT_EQ(spec_json(*again), spec_json(*spec));
}

TEST(StreamSpec, a_half_of_a_cross_peer_stream_round_trips_and_is_no_post_body) {
    const std::string far = "/peers/gggggg-hhhhhh-iiiiii/ports/dddddd-eeeeee-ffffff";
    const json body = {
        {"direction", "send"},
        {"source", {{"type", "port"}, {"port_uri", port}}},
        {"destination", {{"type", "port"}, {"port_uri", far}}},
        {"endpoints", {{"media_uri", "rtp+rs8m://10.0.0.2:40123"}, {"control_uri", "rtcp://10.0.0.2:40125"}}},
        {"settings", {{"packet_length_ms", 5}}},
    };
    auto spec = parse_stream_spec(body);
    ASSERT_TRUE(spec) << spec.error().message;
    EXPECT_EQ(spec->direction, StreamDirection::send);
    ASSERT_TRUE(spec->other_end);
    EXPECT_EQ(spec->other_end->peer.str(), "gggggg-hhhhhh-iiiiii");
    EXPECT_EQ(spec->other_end->port_uri, far);
    EXPECT_EQ(spec->address.media_uri, "rtp+rs8m://10.0.0.2:40123");
    EXPECT_EQ(spec_json(*spec), body);
    // Only the peers write endpoints: a client's POST may not.
    auto post = parse_stream_post(body);
    ASSERT_FALSE(post);
    EXPECT_EQ(post.error().field, "direction");
    json without_direction = body;
    without_direction.erase("direction");
    EXPECT_EQ(parse_stream_post(without_direction).error().field, "endpoints");
}

TEST(StreamSpec, parses_receive) {
    const json body = {
        {"source", {{"type", "address"}, {"media_uri", "rtp://0.0.0.0:10001"}}},
        {"destination", {{"type", "port"}, {"port_uri", port}}},
    };
    auto spec = parse_stream_spec(body);
    ASSERT_TRUE(spec);
    EXPECT_EQ(spec->direction, StreamDirection::receive);
}

TEST(StreamSpec, parses_port_to_port_as_local_and_round_trips) {
    const json body = {
        {"source", {{"type", "port"}, {"port_uri", port}}},
        {"destination", {{"type", "port"}, {"port_uri", "/peers/self/ports/dddddd-eeeeee-ffffff"}}},
        {"settings", {{"target_latency_ms", 40}}},
    };
    auto spec = parse_stream_spec(body);
    ASSERT_TRUE(spec) << spec.error().message;
    EXPECT_EQ(spec->direction, StreamDirection::local);
    EXPECT_EQ(spec->port_uid->str(), "aaaaaa-bbbbbb-cccccc");
    EXPECT_EQ(spec->playback_port_uid->str(), "dddddd-eeeeee-ffffff");
    EXPECT_EQ(spec_json(*spec), body);
    EXPECT_STREQ(direction_name(spec->direction), "local");
}

TEST(StreamSpec, names_the_offending_field) {
    const json port_side = {{"type", "port"}, {"port_uri", port}};
    const json address = {{"type", "address"}, {"media_uri", "rtp://127.0.0.1:1"}};
    struct Case {
        json body;
        std::string field;
        Errc code;
    };
    const Case cases[] = {
        {{{"destination", address}}, "source", Errc::invalid_argument},
        {{{"source", port_side}, {"destination", address}, {"extra", 1}}, "extra", Errc::invalid_argument},
        {{{"source", {{"type", "port"}, {"port_uri", "/streams/x"}}}, {"destination", address}},
         "source.port_uri",
         Errc::invalid_argument},
        {{{"source", port_side}, {"destination", {{"type", "address"}}}},
         "destination.media_uri",
         Errc::invalid_argument},
        {{{"source", port_side}, {"destination", port_side}}, "destination.port_uri", Errc::invalid_argument},
        {{{"source", address}, {"destination", address}}, "destination.type", Errc::unsupported},
        {{{"source", port_side}, {"destination", {{"type", "pipe"}}}},
         "destination.type",
         Errc::invalid_argument},
        {{{"source", port_side}, {"destination", address}, {"settings", {{"rate", "fast"}}}},
         "settings.rate",
         Errc::invalid_argument},
        {{{"source", port_side}, {"destination", address}, {"settings", {{"bogus", 1}}}},
         "settings.bogus",
         Errc::invalid_argument},
        {{{"source", port_side}, {"destination", address}, {"settings", {{"target_latency_ms", -5}}}},
         "settings.target_latency_ms",
         Errc::invalid_argument},
    };
    for (const auto& c : cases) {
        auto spec = parse_stream_spec(c.body);
        ASSERT_FALSE(spec) << c.body.dump();
        EXPECT_EQ(spec.error().field, c.field) << c.body.dump();
        EXPECT_EQ(spec.error().code, c.code) << c.body.dump();
    }
}

TEST(StreamSpec, merges_settings_and_resets_with_null) {
    StreamSettings settings;
    settings.rate = 44100;
    settings.target_latency_ms = 100;
    ASSERT_TRUE(merge_settings(settings, json {{"rate", nullptr}, {"channels", 1}}));
    EXPECT_FALSE(settings.rate);
    EXPECT_EQ(settings.channels, 1u);
    EXPECT_EQ(settings.target_latency_ms, 100.0);
    EXPECT_FALSE(merge_settings(settings, json {{"channels", "two"}}));
    EXPECT_EQ(settings.channels, 1u);
}

} // namespace
} // namespace rocd::api
