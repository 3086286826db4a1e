// What DNS-SD proposes (docs/p2p.md §16): only ever a key to dial; trust
// and key binding (§9.3) stay the peer service's.
#include "peers/proposals.h"

#include <gtest/gtest.h>

#include "two_nodes.h"

namespace rocd::peers {
namespace {

using test_nodes::Node;

class ProposalsTest : public test_nodes::TwoNodes {
protected:
    p2p::RawKey raw(const Node& node) const { return node.identity->public_key(); }
    const Uid& uid(const Node& node) const { return node.store->self_uid(); }
    Proposals proposals() { return Proposals(*a.service, *a.network); }
};

TEST_F(ProposalsTest, an_announced_peer_is_dialed_and_becomes_discovered_once_it_answers) {
    auto on_a = proposals();
    on_a.propose(uid(b), raw(b), b.address());
    run_until([&] { return state_is(a, b, PeerState::online) && state_is(b, a, PeerState::online); });
    ASSERT_TRUE(a.peer(uid(b)));
    EXPECT_EQ(a.peer(uid(b))->trust, PeerTrust::discovered);
    EXPECT_EQ(a.peer(uid(b))->addresses, std::vector<std::string> {b.address()});
    // Announced again (another interface, a later browse): the link stays.
    const auto* link = a.network->link(raw(b));
    on_a.propose(uid(b), raw(b), "127.0.0.2:1");
    EXPECT_EQ(a.network->link(raw(b)), link);
    EXPECT_EQ(a.network->endpoint_of(raw(b)), "tcp://" + b.address());
}

TEST_F(ProposalsTest, this_daemon_and_revoked_keys_are_not_dialed) {
    auto on_a = proposals();
    on_a.propose(uid(a), raw(b), b.address());
    EXPECT_EQ(a.network->link(raw(b)), nullptr) << "our own uid, whatever key";
    store::PeerRecord revoked {{uid(b), "kitchen"}};
    revoked.key = PeerKey {b.key(), {}};
    revoked.trust = PeerTrust::revoked;
    ASSERT_TRUE(a.store->peers().put(revoked));
    on_a.propose(uid(b), raw(b), b.address());
    EXPECT_EQ(a.network->link(raw(b)), nullptr);
}

TEST_F(ProposalsTest, a_stored_uid_announced_with_another_key_keeps_its_key) {
    store::PeerRecord trusted {{uid(b), "kitchen"}};
    trusted.key = PeerKey {b.key(), {}};
    trusted.trust = PeerTrust::trusted;
    ASSERT_TRUE(a.store->peers().put(trusted));
    // Someone announces B's uid with another key: ignored (§9.3).
    Node c {io, "impostor"};
    c.start();
    auto on_a = proposals();
    on_a.propose(uid(b), raw(c), c.address());
    EXPECT_EQ(a.network->link(raw(c)), nullptr);
    EXPECT_EQ(a.peer(uid(b))->key->public_key, b.key());
    // A key bound to one uid announced under another: ignored too.
    on_a.propose(uid(c), raw(b), b.address());
    EXPECT_EQ(a.network->endpoint_of(raw(b)), "");
    // The trusted key itself at an address: dialed.
    on_a.propose(uid(b), raw(b), b.address());
    EXPECT_EQ(a.network->endpoint_of(raw(b)), "tcp://" + b.address());
    run_until([&] { return state_is(a, b, PeerState::online); });
    EXPECT_EQ(a.peer(uid(b))->trust, PeerTrust::trusted);
    c.network.reset();
}

TEST_F(ProposalsTest, keys_that_never_answer_take_a_bounded_number_of_links) {
    auto on_a = proposals();
    std::vector<p2p::RawKey> keys;
    for (std::size_t i = 0; i < Proposals::max_unanswered + 5; ++i) {
        p2p::RawKey key {};
        key[0] = static_cast<std::uint8_t>(i);
        key[1] = 0x5a;
        keys.push_back(key);
        on_a.propose(Uid::random(), key, "127.0.0.1:9");
    }
    std::size_t dialed = 0;
    for (const auto& key : keys) {
        dialed += a.network->link(key) != nullptr ? 1 : 0;
    }
    EXPECT_EQ(dialed, Proposals::max_unanswered);
    EXPECT_EQ(a.network->link(keys.front()), nullptr) << "the oldest went first";
    EXPECT_NE(a.network->link(keys.back()), nullptr);
}

} // namespace
} // namespace rocd::peers
