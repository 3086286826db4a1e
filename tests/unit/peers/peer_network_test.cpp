// Two daemons' peer services talking: discovery, trust, pairing, mirrors.
#include "peers/peer_network.h"

#include <chrono>

#include <gtest/gtest.h>

#include "two_nodes.h"

namespace rocd::peers {
namespace {

using namespace std::chrono_literals;

using test_nodes::Node;
class PeerNetworkTest : public test_nodes::TwoNodes {};

TEST_F(PeerNetworkTest, a_dialed_peer_and_the_dialer_discover_each_other_and_stay_online) {
    ASSERT_TRUE(a.service->add_static(b.address(), b.key()));
    run_until([&] { return state_is(a, b, PeerState::online) && state_is(b, a, PeerState::online); });
    auto b_on_a = a.peer(b.store->self_uid());
    ASSERT_TRUE(b_on_a);
    EXPECT_EQ(b_on_a->display_name, "kitchen");
    EXPECT_EQ(b_on_a->trust, PeerTrust::discovered);
    EXPECT_EQ(b_on_a->key->fingerprint, b.identity->peer_key().fingerprint);
    EXPECT_EQ(b_on_a->addresses, std::vector<std::string> {b.address()});
    EXPECT_EQ(b_on_a->daemon_version, "0.1.0");
    EXPECT_EQ(b_on_a->protocol_version, 1);
    auto a_on_b = b.peer(a.store->self_uid());
    ASSERT_TRUE(a_on_b);
    EXPECT_EQ(a_on_b->state, PeerState::online);
    EXPECT_EQ(a_on_b->addresses, std::vector<std::string> {a.address()}) << "dialed back where A listens";

    // Untrusted both ways: their pings are refused, but answered, so the
    // links stay online (no flapping).
    int offline = 0;
    a.service->add_listener(
        [&](PeerService::Change, const Peer& peer) { offline += peer.state == PeerState::offline ? 1 : 0; });
    run_until([] { return false; }, 4000ms);
    EXPECT_EQ(offline, 0);
    EXPECT_TRUE(state_is(a, b, PeerState::online));
    EXPECT_TRUE(state_is(b, a, PeerState::online));
    // Discovered peers are not stored (§9.4).
    EXPECT_EQ(a.store->peers().list()->size(), 1u);

    // B goes away: A sees it offline.
    b.network.reset();
    run_until([&] { return state_is(a, b, PeerState::offline); }, 10000ms);
    EXPECT_TRUE(state_is(a, b, PeerState::offline));
}

TEST_F(PeerNetworkTest, a_revoked_key_cannot_connect_and_is_not_discovered) {
    store::PeerRecord revoked {{a.store->self_uid(), "studio"}};
    revoked.key = PeerKey {a.key(), {}};
    revoked.trust = PeerTrust::revoked;
    ASSERT_TRUE(b.store->peers().put(revoked));
    ASSERT_TRUE(a.service->add_static(b.address(), b.key()));
    run_until([] { return false; }, 1500ms);
    EXPECT_FALSE(a.peer(b.store->self_uid())) << "never answered A's hello";
    EXPECT_EQ(b.peer(a.store->self_uid())->trust, PeerTrust::revoked);
    EXPECT_EQ(b.peer(a.store->self_uid())->state, PeerState::offline);
}

TEST_F(PeerNetworkTest, a_trusted_uid_with_another_key_is_a_key_mismatch_and_not_re_trusted) {
    // B trusts A's uid under some other key.
    store::PeerRecord trusted {{a.store->self_uid(), "studio"}};
    trusted.key = PeerKey {b.key(), {}}; // any key but A's
    trusted.trust = PeerTrust::trusted;
    ASSERT_TRUE(b.store->peers().put(trusted));
    ASSERT_TRUE(a.service->add_static(b.address(), b.key()));
    run_until([&] { return state_is(b, a, PeerState::key_mismatch); });
    auto a_on_b = b.peer(a.store->self_uid());
    ASSERT_TRUE(a_on_b);
    EXPECT_EQ(a_on_b->state, PeerState::key_mismatch);
    EXPECT_EQ(a_on_b->trust, PeerTrust::trusted);
    EXPECT_EQ(a_on_b->key->public_key, b.key()) << "the binding stays";
}

TEST_F(PeerNetworkTest, the_right_code_trusts_both_ways_and_pings_are_answered) {
    connect();
    auto pairing = start_pairing();
    ASSERT_TRUE(pairing) << pairing.error().message;
    EXPECT_EQ(pairing->code.size(), 6u);
    EXPECT_EQ(trust(a, b), PeerTrust::pairing);
    run_until([&] { return trust(b, a) == PeerTrust::pairing; });
    EXPECT_TRUE(b.pairings->get(a.store->self_uid())->code.empty()) << "B never shows the code";
    auto trusted = confirm(pairing->code);
    ASSERT_TRUE(trusted) << trusted.error().message;
    EXPECT_EQ(trusted->trust, PeerTrust::trusted);
    run_until([&] { return trust(a, b) == PeerTrust::trusted; });
    EXPECT_EQ(trust(a, b), PeerTrust::trusted);
    EXPECT_EQ(a.store->peers().get(b.store->self_uid())->trust, PeerTrust::trusted) << "stored";
    EXPECT_EQ(b.store->peers().get(a.store->self_uid())->trust, PeerTrust::trusted);
    // Trusted: pings are answered, so the round trip is measured.
    run_until([&] {
        auto link = a.network->link(*p2p::key_of_z85(b.key()));
        return link != nullptr && link->rtt_ms().has_value();
    });
    EXPECT_TRUE(a.network->link(*p2p::key_of_z85(b.key()))->rtt_ms());
}

TEST_F(PeerNetworkTest, a_wrong_code_ends_the_pairing_on_both_sides_at_once) {
    connect();
    auto pairing = start_pairing();
    ASSERT_TRUE(pairing) << pairing.error().message;
    run_until([&] { return trust(b, a) == PeerTrust::pairing; });
    const std::string wrong = pairing->code == "000000" ? "000001" : "000000";
    auto refused = confirm(wrong);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::invalid_argument);
    EXPECT_EQ(refused.error().field, "code");
    EXPECT_EQ(trust(b, a), PeerTrust::discovered);
    run_until([&] { return trust(a, b) == PeerTrust::discovered; });
    EXPECT_EQ(trust(a, b), PeerTrust::discovered) << "A was told (pair_abort)";
    EXPECT_FALSE(a.pairings->get(b.store->self_uid()));
    // One try: the right code now finds no pairing.
    EXPECT_EQ(confirm(pairing->code).error().code, Errc::not_found);
    EXPECT_EQ(a.store->peers().list()->size(), 1u) << "nothing stored";
}

TEST_F(PeerNetworkTest, when_both_start_at_once_the_lower_key_keeps_its_attempt) {
    connect();
    std::optional<Result<Pairing>> from_a, from_b;
    a.pairings->start(b.store->self_uid(), [&](Result<Pairing> r) { from_a = std::move(r); });
    b.pairings->start(a.store->self_uid(), [&](Result<Pairing> r) { from_b = std::move(r); });
    run_until([&] { return from_a && from_b; });
    ASSERT_TRUE(from_a && from_b);
    const bool a_lower = a.identity->public_key() < b.identity->public_key();
    Node& starter = a_lower ? a : b;
    Node& responder = a_lower ? b : a;
    auto& kept = a_lower ? *from_a : *from_b;
    auto& dropped = a_lower ? *from_b : *from_a;
    ASSERT_TRUE(kept) << kept.error().message;
    ASSERT_FALSE(dropped);
    EXPECT_EQ(dropped.error().code, Errc::conflict);
    EXPECT_NE(dropped.error().message.find("confirm the code"), std::string::npos) << dropped.error().message;
    auto incoming = responder.pairings->get(starter.store->self_uid());
    ASSERT_TRUE(incoming);
    EXPECT_FALSE(incoming->outgoing) << "the other side goes on as responder";
    auto confirmed = test::await<Peer>(
        io, [&](auto done) { responder.pairings->confirm(starter.store->self_uid(), kept->code, done); });
    ASSERT_TRUE(confirmed) << confirmed.error().message;
    run_until([&] { return trust(a, b) == PeerTrust::trusted && trust(b, a) == PeerTrust::trusted; });
    EXPECT_EQ(trust(a, b), PeerTrust::trusted);
    EXPECT_EQ(trust(b, a), PeerTrust::trusted);
}

TEST_F(PeerNetworkTest, a_publisher_that_forgot_the_subscription_is_subscribed_to_again) {
    const Uid b_uid = b.store->self_uid();
    connect();
    auto pairing = start_pairing();
    ASSERT_TRUE(pairing) << pairing.error().message;
    run_until([&] { return trust(b, a) == PeerTrust::pairing; });
    ASSERT_TRUE(confirm(pairing->code));
    auto mirrored = [&]() { return a.mirror->of(b_uid); };
    run_until([&] { return mirrored() != nullptr && !mirrored()->stale; });
    ASSERT_TRUE(mirrored() != nullptr && !mirrored()->stale);

    // B's publisher starts over (as after a restart quicker than the
    // silence that makes B offline): no delta would ever reach A again.
    b.publisher =
        std::make_unique<TopicPublisher>(b.network->listener(), "ports", "port", [&] { return b.ports; });
    Port mic {*Uid::parse("jjjjjj-kkkkkk-llllll"), b_uid};
    mic.driver = "mock";
    mic.system_name = mic.display_name = "Microphone";
    mic.channels = 1;
    mic.rate = 48000;
    mic.present = true;
    b.ports = nlohmann::json::array({api::port_json(mic)});
    // The next ping_reply does not list A's subscription: A subscribes again.
    run_until([&] { return mirrored()->items.size() == 1; });
    ASSERT_EQ(mirrored()->items.size(), 1u);
    EXPECT_EQ(mirrored()->items[0].display_name, "Microphone");
    EXPECT_FALSE(mirrored()->stale);
    b.publisher->publish("port_removed", api::port_json(mic));
    run_until([&] { return mirrored()->items.empty(); });
    EXPECT_TRUE(mirrored()->items.empty()) << "and follows again";
}

class ShortPairingTest : public PeerNetworkTest {
protected:
    ShortPairingTest() { a.window = 600ms; }
};

TEST_F(ShortPairingTest, a_pairing_expires_and_a_cancel_reaches_the_other_side) {
    connect();
    ASSERT_TRUE(start_pairing());
    run_until([&] { return trust(b, a) == PeerTrust::pairing; });
    run_until([&] { return !a.pairings->get(b.store->self_uid()); }, 3000ms);
    EXPECT_FALSE(a.pairings->get(b.store->self_uid())) << "expired on A";
    run_until([&] { return trust(b, a) == PeerTrust::discovered; });
    EXPECT_EQ(trust(b, a), PeerTrust::discovered) << "B was told (expired)";

    ASSERT_TRUE(start_pairing());
    run_until([&] { return trust(b, a) == PeerTrust::pairing; });
    ASSERT_TRUE(b.pairings->cancel(a.store->self_uid())); // B rejects
    run_until([&] { return trust(a, b) == PeerTrust::discovered; });
    EXPECT_EQ(trust(a, b), PeerTrust::discovered);
}

TEST_F(PeerNetworkTest, pairing_needs_an_online_untrusted_peer) {
    EXPECT_EQ(start_pairing().error().code, Errc::not_found) << "never heard of";
    connect();
    ASSERT_TRUE(start_pairing());
    EXPECT_EQ(start_pairing().error().code, Errc::conflict) << "one open per peer";
}

TEST_F(PeerNetworkTest, a_trusted_peer_mirrors_the_others_ports_and_follows_every_change) {
    const Uid b_uid = b.store->self_uid();
    auto port = [&](const char* uid, const char* name) {
        Port p {*Uid::parse(uid), b_uid};
        p.driver = "mock";
        p.system_name = name;
        p.display_name = name;
        p.channels = 2;
        p.rate = 48000;
        p.present = true;
        return api::port_json(p);
    };
    auto broken = port("gggggg-hhhhhh-iiiiii", "broken");
    broken["channels"] = 0; // what B's own API would refuse: left out of the mirror
    b.ports = nlohmann::json::array({port("dddddd-eeeeee-ffffff", "Speakers"), broken});
    connect();
    auto pairing = start_pairing();
    ASSERT_TRUE(pairing) << pairing.error().message;
    run_until([&] { return trust(b, a) == PeerTrust::pairing; });
    ASSERT_TRUE(confirm(pairing->code));

    auto mirrored = [&]() { return a.mirror->of(b_uid); };
    run_until([&] { return mirrored() != nullptr && !mirrored()->items.empty(); });
    ASSERT_TRUE(mirrored());
    ASSERT_EQ(mirrored()->items.size(), 1u);
    EXPECT_EQ(mirrored()->items[0].display_name, "Speakers");
    EXPECT_EQ(mirrored()->seq, 0u);

    // Every change follows, in order.
    auto mic = port("jjjjjj-kkkkkk-llllll", "Microphone");
    b.publisher->publish("port_added", mic);
    run_until([&] { return mirrored()->items.size() == 2; });
    ASSERT_EQ(mirrored()->items.size(), 2u);
    mic["display_name"] = "Studio microphone";
    b.publisher->publish("port_updated", mic);
    run_until([&] { return mirrored()->items[1].display_name == "Studio microphone"; });
    EXPECT_EQ(mirrored()->items[1].display_name, "Studio microphone");
    b.publisher->publish("port_removed", port("dddddd-eeeeee-ffffff", "Speakers"));
    run_until([&] { return mirrored()->items.size() == 1; });
    ASSERT_EQ(mirrored()->items.size(), 1u);
    EXPECT_EQ(mirrored()->seq, 3u);
    EXPECT_FALSE(mirrored()->stale);

    // A gap: stale, then a new snapshot.
    b.ports = nlohmann::json::array({mic});
    p2p::Message ahead;
    ahead.type = "delta";
    ahead.body = {{"topic", "ports"}, {"seq", 9}, {"event", "port_added"}, {"port", broken}};
    a.mirror->on_one_way(b_uid, ahead);
    EXPECT_TRUE(mirrored()->stale);
    run_until([&] { return !mirrored()->stale; });
    EXPECT_FALSE(mirrored()->stale);
    EXPECT_EQ(mirrored()->seq, 3u) << "the publisher's";
    ASSERT_EQ(mirrored()->items.size(), 1u);
    EXPECT_EQ(mirrored()->items[0].display_name, "Studio microphone");

    // B goes away: the data stays, stale.
    b.network.reset();
    run_until([&] { return mirrored()->stale; }, 10000ms);
    EXPECT_TRUE(mirrored()->stale);
    EXPECT_EQ(mirrored()->items.size(), 1u);
}

class ByeTest : public PeerNetworkTest {
protected:
    // Silence would take a minute: only a bye can make a peer offline here.
    ByeTest() { a.offline_after = b.offline_after = 60'000ms; }
};

TEST_F(ByeTest, a_peer_that_stops_says_bye_and_is_offline_at_once) {
    connect();
    b.network.reset();
    run_until([&] { return state_is(a, b, PeerState::offline); }, 5000ms);
    EXPECT_TRUE(state_is(a, b, PeerState::offline));
}

TEST_F(ByeTest, a_revoked_peer_is_told_and_is_not_answered_on_its_old_connection) {
    connect();
    ASSERT_TRUE(start_pairing());
    run_until([&] { return trust(b, a) == PeerTrust::pairing; });
    ASSERT_TRUE(confirm(a.pairings->get(b.store->self_uid())->code));
    run_until([&] { return trust(a, b) == PeerTrust::trusted && state_is(a, b, PeerState::online); });
    ASSERT_TRUE(b.service->revoke(PeerRef::of(a.store->self_uid())));
    run_until([&] { return state_is(a, b, PeerState::offline); }, 5000ms);
    EXPECT_TRUE(state_is(a, b, PeerState::offline)) << "B said bye";
    // A says hello again on the connection it still has: B refuses it.
    run_until([] { return false; }, 2500ms);
    EXPECT_TRUE(state_is(a, b, PeerState::offline));
}

TEST(StaticPeers, a_key_that_is_not_z85_is_refused) {
    test::TempDir dir;
    auto store = store::Store::open(dir.path());
    ASSERT_TRUE(store);
    PeerService service(store->peers(), store->self_uid(), {});
    auto refused = service.add_static("127.0.0.1:4041", "not a key");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "public_key");
}

} // namespace
} // namespace rocd::peers
