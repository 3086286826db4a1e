#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace rocd::store {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class PeerRepositoryTest : public test::StoreFixture {};

TEST_F(PeerRepositoryTest, self_is_the_daemons_own_peer) {
    auto self = store().peers().self();
    ASSERT_TRUE(self);
    EXPECT_EQ(self->uid, store().self_uid());
    EXPECT_TRUE(self->is_self);
    EXPECT_EQ(self->created_at, clock_.now());
}

TEST_F(PeerRepositoryTest, put_inserts_a_peer_with_timestamps) {
    const Uid uid = Uid::random();
    clock_.advance(5s);
    auto stored = store().peers().put({uid, "kitchen"});
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(stored->uid, uid);
    EXPECT_EQ(stored->display_name, "kitchen");
    EXPECT_FALSE(stored->is_self);
    EXPECT_EQ(stored->created_at, clock_.now());
    EXPECT_EQ(stored->updated_at, clock_.now());

    auto read = store().peers().get(uid);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->display_name, "kitchen");
    EXPECT_EQ(read->created_at, clock_.now());
}

TEST_F(PeerRepositoryTest, put_of_an_existing_uid_replaces_it_and_keeps_created_at) {
    const Uid uid = Uid::random();
    const auto created = clock_.now();
    ASSERT_TRUE(store().peers().put({uid, "old"}));
    clock_.advance(1s);
    auto stored = store().peers().put({uid, "new"});
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->display_name, "new");
    EXPECT_EQ(stored->created_at, created);
    EXPECT_EQ(stored->updated_at, clock_.now());
    EXPECT_EQ(store().peers().list()->size(), 2u);
}

TEST_F(PeerRepositoryTest, put_of_a_second_self_is_a_conflict) {
    auto stored = store().peers().put({Uid::random(), "impostor", true});
    ASSERT_FALSE(stored);
    EXPECT_EQ(stored.error().code, Errc::conflict);
    EXPECT_EQ(stored.error().field, "is_self");
    EXPECT_EQ(store().peers().list()->size(), 1u);
}

TEST_F(PeerRepositoryTest, keeps_what_the_peer_protocol_knows_of_a_trusted_peer) {
    const Uid uid = Uid::random();
    PeerRecord peer {{uid, "studio"}};
    peer.key = PeerKey {"NRoznsGRPJT6F97koH&)9AoH4hU)jG!q:]vzy(Qv", {}};
    peer.trust = PeerTrust::trusted;
    peer.addresses = {"10.0.7.12:4041", "studio.lan:4041"};
    peer.last_seen = std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123));
    peer.protocol_version = 1;
    ASSERT_TRUE(store().peers().put(peer));

    auto read = store().peers().find_by_key("NRoznsGRPJT6F97koH&)9AoH4hU)jG!q:]vzy(Qv");
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(read->uid, uid);
    EXPECT_EQ(read->key->public_key, "NRoznsGRPJT6F97koH&)9AoH4hU)jG!q:]vzy(Qv");
    EXPECT_EQ(read->trust, PeerTrust::trusted);
    EXPECT_EQ(read->addresses, peer.addresses);
    EXPECT_EQ(read->last_seen, peer.last_seen);
    EXPECT_EQ(read->protocol_version, 1);
    EXPECT_EQ(store().peers().find_by_key("n}1M2P2:Lk+!GpVq-*>5g33V#zkix4crlFvfcU:k").error().code,
              Errc::not_found);

    // Revoked: same row, the key stays bound to it.
    peer.trust = PeerTrust::revoked;
    ASSERT_TRUE(store().peers().put(peer));
    EXPECT_EQ(store().peers().get(uid)->trust, PeerTrust::revoked);

    auto self = store().peers().self();
    EXPECT_FALSE(self->key);
    EXPECT_FALSE(self->trust);
    EXPECT_TRUE(self->addresses.empty());
}

TEST_F(PeerRepositoryTest, a_key_binds_one_peer_and_only_trusted_or_revoked_ones_are_stored) {
    PeerRecord first {{Uid::random(), "a"}};
    first.key = PeerKey {"NRoznsGRPJT6F97koH&)9AoH4hU)jG!q:]vzy(Qv", {}};
    first.trust = PeerTrust::trusted;
    ASSERT_TRUE(store().peers().put(first));
    PeerRecord second = first;
    second.uid = Uid::random();
    auto refused = store().peers().put(second);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::conflict);
    EXPECT_EQ(refused.error().field, "public_key");

    PeerRecord pairing {{Uid::random(), "b"}};
    pairing.trust = PeerTrust::pairing;
    EXPECT_EQ(store().peers().put(pairing).error().code, Errc::invalid_argument);
    EXPECT_EQ(store().peers().list()->size(), 2u);
}

TEST_F(PeerRepositoryTest, get_of_an_unknown_uid_is_not_found) {
    const Uid uid = Uid::random();
    auto peer = store().peers().get(uid);
    ASSERT_FALSE(peer);
    EXPECT_EQ(peer.error().code, Errc::not_found);
    EXPECT_THAT(peer.error().message, HasSubstr(uid.str()));
}

TEST_F(PeerRepositoryTest, list_returns_peers_oldest_first) {
    const Uid a = Uid::random();
    const Uid b = Uid::random();
    clock_.advance(1s);
    ASSERT_TRUE(store().peers().put({b, "b"}));
    clock_.advance(1s);
    ASSERT_TRUE(store().peers().put({a, "a"}));
    auto peers = store().peers().list();
    ASSERT_TRUE(peers);
    ASSERT_EQ(peers->size(), 3u);
    EXPECT_EQ((*peers)[0].uid, store().self_uid());
    EXPECT_EQ((*peers)[1].uid, b);
    EXPECT_EQ((*peers)[2].uid, a);
}

TEST_F(PeerRepositoryTest, update_display_name_renames_and_persists) {
    clock_.advance(3s);
    auto renamed = store().peers().update_display_name(store().self_uid(), "studio");
    ASSERT_TRUE(renamed);
    EXPECT_EQ(renamed->display_name, "studio");
    EXPECT_EQ(renamed->updated_at, clock_.now());
    EXPECT_LT(renamed->created_at, renamed->updated_at);
    reopen();
    EXPECT_EQ(store().self_peer()->display_name, "studio");
}

TEST_F(PeerRepositoryTest, update_display_name_of_an_unknown_peer_is_not_found) {
    auto renamed = store().peers().update_display_name(Uid::random(), "x");
    ASSERT_FALSE(renamed);
    EXPECT_EQ(renamed.error().code, Errc::not_found);
}

TEST_F(PeerRepositoryTest, remove_deletes_the_peer_and_its_ports) {
    const Uid peer = Uid::random();
    ASSERT_TRUE(store().peers().put({peer, "remote"}));
    PortRecord port {Uid::random(), peer};
    port.channels = 2;
    port.rate = 48000;
    ASSERT_TRUE(store().ports().insert(port));
    ASSERT_TRUE(store().peers().remove(peer));
    EXPECT_EQ(store().peers().get(peer).error().code, Errc::not_found);
    EXPECT_EQ(store().ports().get(port.uid).error().code, Errc::not_found);
    EXPECT_EQ(store().peers().remove(peer).error().code, Errc::not_found);
}

TEST_F(PeerRepositoryTest, a_malformed_uid_in_the_file_is_reported_not_crashed_on) {
    ASSERT_TRUE(store().database().exec("INSERT INTO peers (uid, display_name, is_self, created_at, "
                                        "updated_at) VALUES ('NOT-A-UID', 'x', 0, 0, 0)"));
    auto peers = store().peers().list();
    ASSERT_FALSE(peers);
    EXPECT_EQ(peers.error().code, Errc::io);
    EXPECT_THAT(peers.error().message, HasSubstr("NOT-A-UID"));
}

TEST_F(PeerRepositoryTest, timestamps_beyond_what_the_clock_holds_are_clamped_not_overflowed) {
    ASSERT_TRUE(store().database().exec(
        "INSERT INTO peers (uid, display_name, is_self, created_at, updated_at, last_seen) VALUES "
        "('dddddd-eeeeee-ffffff', 'x', 0, -9223372036854775808, 9223372036854775807, 9223372036854775807)"));
    auto peer = store().peers().get(*Uid::parse("dddddd-eeeeee-ffffff"));
    ASSERT_TRUE(peer) << peer.error().message;
    ASSERT_TRUE(peer->last_seen);
    const std::chrono::system_clock::time_point created = peer->created_at;
    EXPECT_EQ(*peer->last_seen, std::chrono::system_clock::time_point(peer->updated_at));
    EXPECT_LT(created, *peer->last_seen);
    EXPECT_GT(peer->updated_at, Timestamp(std::chrono::years(290)));
}

} // namespace
} // namespace rocd::store
