// The fleet secret (docs/p2p.md §11) and trust on first use, between two
// daemons on loopback.
#include "peers/fleet.h"

#include <gtest/gtest.h>

#include "two_nodes.h"

namespace rocd::peers {
namespace {

using namespace std::chrono_literals;

constexpr const char* secret = "kH3vQ9xT2mW8rB5nL7cJ4pZ6yF1sD0aE";

class FleetTest : public test_nodes::TwoNodes {
protected:
    void SetUp() override {} // each test sets its nodes up first

    void start() {
        a.start();
        b.start();
        ASSERT_TRUE(a.service->add_static(b.address(), b.key()));
    }
    bool trusted_both_ways() {
        return trust(a, b) == PeerTrust::trusted && trust(b, a) == PeerTrust::trusted;
    }
};

TEST_F(FleetTest, peers_with_the_same_secret_trust_each_other_and_mirror_ports) {
    a.secret = b.secret = secret;
    a.start();
    b.start();
    Port speakers {*Uid::parse("dddddd-eeeeee-ffffff"), b.store->self_uid()};
    speakers.driver = "mock";
    speakers.system_name = speakers.display_name = "Speakers";
    speakers.channels = 2;
    speakers.rate = 48000;
    speakers.present = true;
    b.ports = nlohmann::json::array({api::port_json(speakers)});
    ASSERT_TRUE(a.service->add_static(b.address(), b.key()));
    run_until([&] { return trusted_both_ways(); });
    ASSERT_TRUE(trusted_both_ways());
    // Stored, as after a pairing: they trust each other after a restart.
    auto stored = a.store->peers().get(b.store->self_uid());
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->trust, PeerTrust::trusted);
    EXPECT_EQ(stored->key->public_key, b.key());
    auto mirrored = [&]() { return a.mirror->of(b.store->self_uid()); };
    run_until([&] { return mirrored() != nullptr && mirrored()->items.size() == 1; });
    ASSERT_TRUE(mirrored()) << "trusted, so subscribed";
    EXPECT_EQ(mirrored()->items.size(), 1u);
}

TEST_F(FleetTest, another_secret_gets_nobody_in) {
    a.secret = secret;
    b.secret = "another-secret-of-thirty-two-chars-or-more";
    start();
    run_until([&] { return state_is(a, b, PeerState::online) && state_is(b, a, PeerState::online); });
    run_until([] { return false; }, 1500ms);
    EXPECT_EQ(trust(a, b), PeerTrust::discovered);
    EXPECT_EQ(trust(b, a), PeerTrust::discovered);
    EXPECT_EQ(a.store->peers().list()->size(), 1u) << "nothing stored";
}

TEST_F(FleetTest, a_secret_on_one_side_only_trusts_nobody) {
    a.secret = secret;
    start();
    run_until([&] { return state_is(a, b, PeerState::online) && state_is(b, a, PeerState::online); });
    run_until([] { return false; }, 1000ms);
    EXPECT_EQ(trust(a, b), PeerTrust::discovered);
    EXPECT_EQ(trust(b, a), PeerTrust::discovered);
}

TEST_F(FleetTest, a_proof_of_a_stale_hello_is_refused) {
    a.secret = b.secret = secret;
    a.nonce_lifetime = b.nonce_lifetime = 0ms; // every hello is stale by the time its proof comes
    start();
    run_until([&] { return state_is(a, b, PeerState::online) && state_is(b, a, PeerState::online); });
    run_until([] { return false; }, 2500ms); // a few hellos again and proofs
    EXPECT_EQ(trust(a, b), PeerTrust::discovered);
    EXPECT_EQ(trust(b, a), PeerTrust::discovered);
}

TEST_F(FleetTest, a_revoked_peer_is_not_trusted_again_by_its_proof) {
    a.secret = b.secret = secret;
    start();
    run_until([&] { return trusted_both_ways(); });
    ASSERT_TRUE(trusted_both_ways());
    ASSERT_TRUE(b.service->revoke(PeerRef::of(a.store->self_uid())));
    run_until([] { return false; }, 2000ms);
    EXPECT_EQ(trust(b, a), PeerTrust::revoked);
    auto again = b.service->trust_without_pairing(*p2p::key_of_z85(a.key()), "a test");
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);
}

TEST_F(FleetTest, trust_on_first_use_trusts_the_first_hello_on_its_side_only) {
    a.trust_on_first_use = true;
    start();
    run_until([&] { return trust(a, b) == PeerTrust::trusted; });
    EXPECT_EQ(trust(a, b), PeerTrust::trusted);
    run_until([] { return false; }, 500ms);
    EXPECT_EQ(trust(b, a), PeerTrust::discovered);
}

} // namespace
} // namespace rocd::peers
