// parse_remote_half: a half another peer publishes on its `streams` topic
// (docs/p2p.md §20.7), checked as this daemon's own input.
#include <gtest/gtest.h>

#include "api/representation/stream_json.h"

namespace rocd::api {
namespace {

using nlohmann::json;

const Uid sender = *Uid::parse("aaaaaa-bbbbbb-cccccc");
const Uid receiver = *Uid::parse("dddddd-eeeeee-ffffff");

/// B's receiving half as B's stream_json shows it: its own port under `self`.
json receiving_half() {
    auto spec = parse_stream_spec({
        {"direction", "receive"},
        {"source",
         {{"type", "port"}, {"port_uri", "/peers/aaaaaa-bbbbbb-cccccc/ports/111111-222222-333333"}}},
        {"destination", {{"type", "port"}, {"port_uri", "/peers/self/ports/444444-555555-666666"}}},
        {"endpoints", {{"media_uri", "rtp+rs8m://10.0.0.2:40123"}, {"control_uri", "rtcp://10.0.0.2:40125"}}},
        {"settings", {{"target_latency_ms", 120}}},
    });
    EXPECT_TRUE(spec) << spec.error().message;
    streams::StreamView view {.uid = *Uid::parse("777777-888888-999999"), .spec = *spec};
    view.state = streams::StreamState::active;
    view.metrics.packets_received = 1200;
    view.metrics.packets_recovered = 7;
    return stream_json(view);
}

TEST(ParseRemoteHalf, reads_what_stream_json_writes_naming_the_peer_by_its_uid) {
    auto half = parse_remote_half(receiving_half(), receiver);
    ASSERT_TRUE(half) << half.error().message;
    EXPECT_EQ((*half)["stream_uid"], "777777-888888-999999");
    EXPECT_EQ((*half)["state"], "active");
    EXPECT_EQ((*half)["destination"]["port_uri"], "/peers/dddddd-eeeeee-ffffff/ports/444444-555555-666666");
    EXPECT_EQ((*half)["metrics"]["packets_recovered"], 7);
    EXPECT_EQ((*half)["settings"]["target_latency_ms"], 120);

    auto end = end_json(*half, receiver);
    EXPECT_EQ(end["peer_uri"], "/peers/dddddd-eeeeee-ffffff");
    EXPECT_EQ(end["metrics"]["packets_received"], 1200);
    EXPECT_FALSE(end.contains("synced_at"));
}

TEST(ParseRemoteHalf, a_half_waiting_for_its_port_says_which_end) {
    auto json = receiving_half();
    json["state"] = "waiting_for_port";
    auto half = parse_remote_half(json, receiver);
    ASSERT_TRUE(half) << half.error().message;
    EXPECT_EQ((*half)["end"], "destination");
    EXPECT_EQ(end_json(*half, receiver)["end"], "destination");
}

TEST(ParseRemoteHalf, keeps_numbers_only_and_drops_figures_it_does_not_know) {
    auto json = receiving_half();
    json["metrics"]["from_a_newer_rocd"] = 3;
    json["shown_as_is"] = "<script>";
    auto half = parse_remote_half(json, receiver);
    ASSERT_TRUE(half) << half.error().message;
    EXPECT_FALSE((*half)["metrics"].contains("from_a_newer_rocd"));
    EXPECT_FALSE(half->contains("shown_as_is"));

    json["metrics"]["latency_ms"] = "soon";
    EXPECT_EQ(parse_remote_half(json, receiver).error().field, "metrics.latency_ms");
}

TEST(ParseRemoteHalf, refuses_what_is_not_a_half_of_that_peer) {
    auto bad_state = receiving_half();
    bad_state["state"] = "exploded";
    EXPECT_EQ(parse_remote_half(bad_state, receiver).error().field, "state");

    auto no_uid = receiving_half();
    no_uid.erase("stream_uid");
    EXPECT_EQ(parse_remote_half(no_uid, receiver).error().field, "stream_uid");

    // Its other end may not be the peer that publishes it.
    EXPECT_FALSE(parse_remote_half(receiving_half(), sender));

    auto local = receiving_half();
    local.erase("direction");
    local.erase("endpoints");
    EXPECT_FALSE(parse_remote_half(local, receiver));
    EXPECT_FALSE(parse_remote_half(json::array(), receiver));
}

} // namespace
} // namespace rocd::api
