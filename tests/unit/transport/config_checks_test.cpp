// The single-setting checks the daemon runs under its own field names and
// validate() runs under the config's.
#include <gtest/gtest.h>

#include "transport/config_checks.h"
#include "transport/receiver_config.h"
#include "transport/sender_config.h"

namespace rocd::transport {
namespace {

using namespace std::chrono_literals;

TEST(ConfigChecks, name_the_field_they_are_given) {
    const auto st = check_resampler_quality(11, "settings.resampler_quality");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::invalid_argument);
    EXPECT_EQ(st.error().field, "settings.resampler_quality");
    EXPECT_EQ(st.error().message, "settings.resampler_quality must be 0..10");
    EXPECT_TRUE(check_resampler_quality(0, "q"));
    EXPECT_TRUE(check_resampler_quality(10, "q"));
    EXPECT_FALSE(check_resampler_quality(-1, "q"));
}

TEST(ConfigChecks, packet_length_must_make_a_packet_that_fits) {
    EXPECT_TRUE(check_packet_length(5ms, 10));
    EXPECT_FALSE(check_packet_length(0ms, 10));
    EXPECT_FALSE(check_packet_length(-5ms, 10));
    // 1 s of L16 stereo is far past the packet limit, and so is a year.
    EXPECT_FALSE(check_packet_length(1s, 10));
    EXPECT_FALSE(check_packet_length(std::chrono::hours(24 * 365), 10));
    const auto unknown = check_packet_length(5ms, 99);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, Errc::unsupported);
}

TEST(ConfigChecks, fec_block_shape_follows_the_source_scheme) {
    const auto rs8m = parse_endpoint("rtp+rs8m://127.0.0.1:1", Interface::source);
    const auto ldpc = parse_endpoint("rtp+ldpc://127.0.0.1:1", Interface::source);
    const auto bare = parse_endpoint("rtp://127.0.0.1:1", Interface::source);
    ASSERT_TRUE(rs8m && ldpc && bare);
    EXPECT_TRUE(check_fec_block(*rs8m, 1, 1));
    EXPECT_FALSE(check_fec_block(*rs8m, 200, 100));
    EXPECT_FALSE(check_fec_block(*ldpc, 1, 1)); // LDPC needs nbsrc >= 2, nbrpr >= 7
    EXPECT_TRUE(check_fec_block(*ldpc, 18, 10));
    EXPECT_TRUE(check_fec_block(*bare, 0, 0)); // no FEC, nothing to shape
    EXPECT_TRUE(check_fec_block(std::nullopt, 0, 0));
}

TEST(ConfigChecks, latencies) {
    EXPECT_TRUE(check_target_latency(1ms));
    EXPECT_TRUE(check_target_latency(10s));
    EXPECT_FALSE(check_target_latency(999us));
    EXPECT_FALSE(check_target_latency(11s));
    EXPECT_TRUE(check_latency_tolerance(0ms));
    EXPECT_FALSE(check_latency_tolerance(-1ms));
}

TEST(ConfigChecks, validate_uses_them_with_member_names) {
    SenderConfig s;
    s.resampler_quality = 42;
    ASSERT_FALSE(s.validate());
    EXPECT_EQ(s.validate().error().field, "resampler_quality");
    ReceiverConfig r;
    r.rate = 4000;
    ASSERT_FALSE(r.validate());
    EXPECT_EQ(r.validate().error().field, "rate");
}

} // namespace
} // namespace rocd::transport

namespace rocd::transport {
namespace {

Endpoint at(const char* uri) {
    return *parse_endpoint(uri, Interface::source);
}

TEST(AddressChecks, a_destination_is_a_unicast_address_and_a_real_port) {
    EXPECT_TRUE(check_destination(at("rtp://192.168.1.20:10001"), "f"));
    EXPECT_TRUE(check_destination(at("rtp://[fd00::2]:10001"), "f"));
    EXPECT_TRUE(check_destination(at("rtp://speakers.lan:10001"), "f")) << "a name is checked once resolved";
    for (const char* bad :
         {"rtp://127.0.0.1:0", "rtp://0.0.0.0:1", "rtp://[::]:1", "rtp://255.255.255.255:1"}) {
        auto st = check_destination(at(bad), "destination.media_uri");
        ASSERT_FALSE(st) << bad;
        EXPECT_EQ(st.error().code, Errc::invalid_argument);
        EXPECT_EQ(st.error().field, "destination.media_uri");
    }
    for (const char* group : {"rtp://224.0.0.1:1", "rtp://239.255.0.1:1", "rtp://[ff02::1]:1"}) {
        auto st = check_destination(at(group), "f");
        ASSERT_FALSE(st) << group;
        EXPECT_EQ(st.error().code, Errc::unsupported);
    }
}

TEST(AddressChecks, a_bind_address_has_a_fixed_port_and_no_group) {
    EXPECT_TRUE(check_bind_address(at("rtp://0.0.0.0:10001"), "f"));
    EXPECT_TRUE(check_bind_address(at("rtp://127.0.0.1:10001"), "f"));
    EXPECT_FALSE(check_bind_address(at("rtp://0.0.0.0:0"), "f"));
    EXPECT_EQ(check_bind_address(at("rtp://239.1.1.1:10001"), "f").error().code, Errc::unsupported);
}

} // namespace
} // namespace rocd::transport
