// The peer service alone (no network): what its listeners are told as
// peers come and go.
#include "peers/peer_service.h"

#include <vector>

#include <gtest/gtest.h>

#include "p2p/pairing_code.h"
#include "store/store.h"
#include "support/temp_dir.h"

namespace rocd::peers {
namespace {

struct Told {
    PeerService::Change change;
    Uid uid;
};

class PeerServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = store::Store::open(dir.path());
        ASSERT_TRUE(opened) << opened.error().message;
        store.emplace(std::move(*opened));
        service = std::make_unique<PeerService>(store->peers(), store->self_uid(), PeerKey {});
        service->attach(nullptr, {});
        service->add_listener([this](PeerService::Change change, const Peer& peer) {
            told.push_back({change, peer.uid});
        });
    }

    /// A hello from a new key, as the ROUTER tells it.
    Uid hello_from_someone(const std::string& name = "somebody") {
        p2p::RawKey key;
        const auto bytes = p2p::random_nonce();
        std::copy(bytes.begin(), bytes.end(), key.begin());
        last_key = key;
        const p2p::Hello hello {{}, {}, Uid::random(), name, "0.1.0", 4041, {}};
        service->on_hello(key, hello, "10.77.0.2");
        return hello.peer_uid;
    }

    test::TempDir dir;
    std::optional<store::Store> store;
    std::unique_ptr<PeerService> service;
    std::vector<Told> told;
    p2p::RawKey last_key {};
};

TEST_F(PeerServiceTest, a_first_hello_adds_a_peer_and_a_rename_updates_it) {
    const Uid uid = hello_from_someone();
    ASSERT_EQ(told.size(), 1u);
    EXPECT_EQ(told[0].change, PeerService::Change::added);
    EXPECT_EQ(told[0].uid, uid);
    ASSERT_TRUE(service->rename(PeerRef::of(uid), "Kitchen"));
    ASSERT_EQ(told.size(), 2u);
    EXPECT_EQ(told[1].change, PeerService::Change::updated);
}

TEST_F(PeerServiceTest, the_oldest_discovered_peer_makes_room_and_is_removed) {
    const Uid first = hello_from_someone();
    for (std::size_t i = 1; i < PeerService::max_discovered; ++i) {
        hello_from_someone();
    }
    EXPECT_EQ(told.size(), PeerService::max_discovered);
    told.clear();
    const Uid newest = hello_from_someone();
    ASSERT_EQ(told.size(), 2u);
    EXPECT_EQ(told[0].change, PeerService::Change::removed);
    EXPECT_EQ(told[0].uid, first);
    EXPECT_EQ(told[1].change, PeerService::Change::added);
    EXPECT_EQ(told[1].uid, newest);
    EXPECT_FALSE(service->get(PeerRef::of(first)));
    EXPECT_EQ(service->list()->size(), PeerService::max_discovered + 1) << "and this daemon";
}

TEST_F(PeerServiceTest, the_trust_of_a_key_follows_every_change_of_the_stored_peer) {
    // The answers are remembered between writes (the protocol asks on every
    // message); each write must make them be asked again.
    const Uid uid = hello_from_someone();
    const p2p::RawKey key = last_key;
    EXPECT_EQ(service->trust_of(key), PeerTrust::discovered);
    ASSERT_TRUE(service->trust_without_pairing(key, "a test"));
    EXPECT_EQ(service->trust_of(key), PeerTrust::trusted);
    EXPECT_EQ(service->trust_of(key), PeerTrust::trusted);
    ASSERT_TRUE(service->rename(PeerRef::of(uid), "Kitchen"));
    EXPECT_EQ(service->trust_of(key), PeerTrust::trusted);
    ASSERT_TRUE(service->revoke(PeerRef::of(uid)));
    EXPECT_EQ(service->trust_of(key), PeerTrust::revoked);
    p2p::RawKey stranger {};
    stranger[0] = 1;
    EXPECT_EQ(service->trust_of(stranger), std::nullopt);
    EXPECT_EQ(service->trust_of(stranger), std::nullopt);
}

TEST_F(PeerServiceTest, a_trusted_peer_that_renames_itself_is_shown_with_its_new_name) {
    const Uid uid = hello_from_someone("studio");
    const p2p::RawKey key = last_key;
    ASSERT_TRUE(service->trust_without_pairing(key, "a test"));
    auto hello_named = [&](const std::string& name) {
        service->on_hello(key, p2p::Hello {{}, {}, uid, name, "0.1.0", 4041, {}}, "10.77.0.2");
        return service->get(PeerRef::of(uid))->display_name;
    };
    EXPECT_EQ(hello_named("kitchen"), "kitchen");
    // A local rename holds until the peer announces another name.
    ASSERT_TRUE(service->rename(PeerRef::of(uid), "Kitchen (upstairs)"));
    EXPECT_EQ(hello_named("kitchen"), "Kitchen (upstairs)");
    EXPECT_EQ(hello_named("living room"), "living room");
    // A name this daemon would refuse from its own API is not taken.
    EXPECT_EQ(hello_named(std::string(200, 'x')), "living room");
    EXPECT_EQ(store->peers().get(uid)->display_name, "living room");
}

} // namespace
} // namespace rocd::peers
