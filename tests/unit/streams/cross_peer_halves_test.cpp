// The halves of a cross-peer stream (docs/p2p.md §20) in the stream
// service: a receiving half that picks its ports and keeps them, a sending
// half to those endpoints, both under the uid their coordinator drew.
#include "stream_service_fixture.h"

#include <algorithm>

namespace rocd::streams {
namespace {

class CrossPeerHalvesTest : public StreamServiceTest {
protected:
    /// The other peer, and its port at the far end.
    const Uid far_peer = Uid::random();
    const std::string far_port = "/peers/" + far_peer.str() + "/ports/" + Uid::random().str();

    json receiving_half() const {
        return {{"direction", "receive"},
                {"source", {{"type", "port"}, {"port_uri", far_port}}},
                {"destination", {{"type", "port"}, {"port_uri", port_uri("spk_b")}}},
                {"endpoints",
                 {{"media_uri", "rtp+rs8m://127.0.0.1:0"},
                  {"repair_uri", "rs8m://127.0.0.1:0"},
                  {"control_uri", "rtcp://127.0.0.1:0"}}},
                {"settings", {{"target_latency_ms", 60}}}};
    }

    json sending_half(const json& endpoints) const {
        return {{"direction", "send"},
                {"source", {{"type", "port"}, {"port_uri", port_uri("mic_a")}}},
                {"destination", {{"type", "port"}, {"port_uri", far_port}}},
                {"endpoints", endpoints},
                {"settings", {{"packet_length_ms", 5}}}};
    }

    Result<json> readdress(const Uid& uid, const json& endpoints) {
        auto spec = api::parse_stream_spec(sending_half(endpoints));
        if (!spec) {
            return tl::unexpected(spec.error());
        }
        auto view = test::await<StreamView>(
            io_, [&](auto done) { streams_->readdress(uid, spec->address, std::move(done)); });
        if (!view) {
            return tl::unexpected(view.error());
        }
        return api::stream_json(*view);
    }

    Result<json> create_half(const json& body, const Uid& uid) {
        auto spec = api::parse_stream_spec(body);
        if (!spec) {
            return tl::unexpected(spec.error());
        }
        auto view =
            test::await<StreamView>(io_, [&](auto done) { streams_->create(*spec, std::move(done), uid); });
        if (!view) {
            return tl::unexpected(view.error());
        }
        return api::stream_json(*view);
    }
};

std::uint16_t port_of(const json& uri) {
    const std::string text = uri.get<std::string>();
    return static_cast<std::uint16_t>(std::stoi(text.substr(text.rfind(':') + 1)));
}

TEST_F(CrossPeerHalvesTest, a_receiving_half_keeps_the_ports_it_picked_under_the_given_uid) {
    const Uid uid = Uid::random();
    auto rx = create_half(receiving_half(), uid);
    ASSERT_TRUE(rx) << rx.error().message;
    EXPECT_EQ((*rx)["stream_uid"], uid.str());
    EXPECT_EQ((*rx)["direction"], "receive");
    EXPECT_EQ((*rx)["source"]["port_uri"], far_port);
    const json endpoints = (*rx)["endpoints"];
    for (const char* key : {"media_uri", "repair_uri", "control_uri"}) {
        EXPECT_NE(port_of(endpoints[key]), 0) << key << ": " << endpoints.dump();
    }
    // Stored with the ports it got, so that a restart binds them again.
    auto stored = json::parse(store_->streams().get(uid)->spec);
    EXPECT_EQ(stored["endpoints"], endpoints);

    // Idempotent by uid: asked again, the stream as it is.
    auto again = create_half(receiving_half(), uid);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ((*again)["endpoints"], endpoints);
    EXPECT_EQ(service_->size(), 1u);

    open_service();
    auto restored = service_->get(uid);
    ASSERT_TRUE(restored);
    EXPECT_EQ((*restored)["endpoints"], endpoints);
    EXPECT_NE((*restored)["state"], "error") << restored->dump();
}

TEST_F(CrossPeerHalvesTest, a_sending_half_plays_into_the_receiving_half_with_fec_and_rtcp) {
    const Uid uid = Uid::random();
    auto rx = create_half(receiving_half(), uid);
    ASSERT_TRUE(rx) << rx.error().message;
    // Both halves in one service here; on two peers each holds one.
    const Uid tx_uid = Uid::random();
    auto tx = create_half(sending_half((*rx)["endpoints"]), tx_uid);
    ASSERT_TRUE(tx) << tx.error().message;
    EXPECT_EQ((*tx)["direction"], "send");
    EXPECT_EQ((*tx)["destination"]["port_uri"], far_port);
    // The far peer is not online yet: the halves run, and say whom they wait for.
    run_for(300ms);
    auto waiting = *service_->get(uid);
    EXPECT_EQ(waiting["state"], "waiting_for_peer") << waiting.dump();
    EXPECT_EQ(waiting["peer_uri"], "/peers/" + far_peer.str());
    EXPECT_GT(waiting["metrics"]["packets_received"], 0) << "the transport runs on meanwhile";
    events_.clear();
    streams_->set_peer_online(far_peer, true);
    EXPECT_EQ((*service_->get(uid))["state"], "active");
    EXPECT_FALSE((*service_->get(uid)).contains("peer_uri"));
    EXPECT_EQ(std::count(events_.begin(), events_.end(), std::string("stream_state_changed")), 2)
        << "one state change a half";
    EXPECT_EQ(wait_state(uid.str(), "active"), "active");
    run_for(600ms);
    const auto recording = driver_->recording("spk_b");
    ASSERT_GT(recording.size(), 48000u);
    const std::vector<float> tail(recording.end() - 48000, recording.end());
    EXPECT_GT(power_at(tail, 2, 1000.0, 48000), 0.01) << "1 kHz tone not received";
    auto tx_now = *service_->get(tx_uid);
    EXPECT_TRUE(tx_now["metrics"].contains("rtt_ms")) << "no RTCP report: " << tx_now["metrics"].dump();

    streams_->set_peer_online(far_peer, false);
    EXPECT_EQ((*service_->get(tx_uid))["state"], "waiting_for_peer");
}

TEST_F(CrossPeerHalvesTest, a_stored_half_is_refused_when_its_far_end_is_this_peer) {
    json body = receiving_half();
    body["source"]["port_uri"] = port_uri("mic_a");
    auto spec = api::parse_stream_spec(body);
    ASSERT_FALSE(spec);
    EXPECT_EQ(spec.error().field, "source.port_uri");
    body = receiving_half();
    body["direction"] = "local";
    EXPECT_EQ(api::parse_stream_spec(body).error().field, "direction");
}

TEST_F(CrossPeerHalvesTest, a_deleted_half_leaves_a_tombstone_so_that_it_is_not_made_again) {
    const Uid uid = Uid::random();
    ASSERT_TRUE(create_half(receiving_half(), uid));
    ASSERT_TRUE(service_->remove(uid));
    auto again = create_half(receiving_half(), uid);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::gone);
    EXPECT_EQ(service_->size(), 0u);
    open_service();
    EXPECT_EQ(create_half(receiving_half(), uid).error().code, Errc::gone) << "kept across a restart";

    // A local stream leaves none (its uid is this peer's alone).
    auto local = service_->create(send_body("mic_a", "rtp://127.0.0.1:" + std::to_string(free_udp_port())));
    ASSERT_TRUE(local) << local.error().message;
    const Uid local_uid = *Uid::parse((*local)["stream_uid"].get<std::string>());
    ASSERT_TRUE(service_->remove(local_uid));
    EXPECT_FALSE(*store_->streams().has_tombstone(local_uid));
}

TEST_F(CrossPeerHalvesTest, a_receiving_half_whose_ports_were_taken_is_bound_anew_and_the_sender_follows) {
    const Uid uid = Uid::random();
    auto rx = create_half(receiving_half(), uid);
    ASSERT_TRUE(rx) << rx.error().message;
    const json first = (*rx)["endpoints"];
    const Uid tx_uid = Uid::random();
    ASSERT_TRUE(create_half(sending_half(first), tx_uid));

    // While the service is down, another socket takes the media port.
    service_.reset();
    streams_.reset();
    const int taker = bound_udp_socket(port_of(first["media_uri"]));
    ASSERT_GE(taker, 0);
    open_service();
    EXPECT_EQ((*service_->get(uid))["state"], "error");

    // What the receiving peer does when the sender asks again (§20.3).
    auto rebound = test::await<StreamView>(io_, [&](auto done) {
        auto spec = api::parse_stream_spec(receiving_half());
        streams_->readdress(uid, spec->address, std::move(done));
    });
    close(taker);
    ASSERT_TRUE(rebound) << rebound.error().message;
    const json second = api::stream_json(*rebound)["endpoints"];
    EXPECT_NE(port_of(second["media_uri"]), 0);
    EXPECT_NE(second["media_uri"], first["media_uri"]);
    EXPECT_EQ(json::parse(store_->streams().get(uid)->spec)["endpoints"], second)
        << "stored for the next restart";

    // And the sending half follows to where it listens now.
    auto moved = readdress(tx_uid, second);
    ASSERT_TRUE(moved) << moved.error().message;
    EXPECT_EQ((*moved)["endpoints"], second);
    streams_->set_peer_online(far_peer, true);
    EXPECT_EQ(wait_state(uid.str(), "active"), "active");
    EXPECT_EQ(json::parse(store_->streams().get(tx_uid)->spec)["endpoints"], second);
}

} // namespace
} // namespace rocd::streams
