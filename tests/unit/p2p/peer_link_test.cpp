// A PeerLink against a Listener on loopback (docs/p2p.md §6.1, §8): online
// after the hello exchange with a round-trip time, offline when the peer
// falls silent and online again when it comes back (it says hello again),
// offline at once on bye, and incompatible without a common version.
#include <chrono>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "p2p/listener.h"
#include "p2p/peer_link.h"
#include "p2p_fixture.h"

namespace rocd::p2p {
namespace {

using namespace std::chrono_literals;

using test::hello_of;

struct PeerLinkTest : test::AdmittingFixture {
    std::unique_ptr<Listener> listen(std::uint16_t port, VersionRange versions = {1, 1}) {
        Listener::Options options;
        options.endpoint = "tcp://127.0.0.1:" + std::to_string(port);
        options.versions = versions;
        options.self_hello = [] { return hello_of("bbbbbb-bbbbbb-bbbbbb"); };
        auto bound =
            Listener::bind(io, context, b, options, [this](const Inbound& in) { handed.push_back(in); });
        EXPECT_TRUE(bound) << bound.error().message;
        return bound ? std::move(*bound) : nullptr;
    }

    std::unique_ptr<PeerLink> link_to(std::uint16_t port, std::chrono::milliseconds offline_after = 300ms) {
        PeerLink::Options options;
        options.versions = {1, 1};
        options.self_hello = [] { return hello_of("aaaaaa-aaaaaa-aaaaaa"); };
        options.ping_interval = 50ms;
        options.offline_after = offline_after;
        return std::make_unique<PeerLink>(
            io, context, a, b.public_key(), "tcp://127.0.0.1:" + std::to_string(port), options,
            [this](PeerState s) { states.push_back(s); }, [](const Message&) {});
    }

    std::vector<PeerState> states;
    std::vector<Inbound> handed;
};

TEST_F(PeerLinkTest, online_after_hello_with_a_round_trip_time) {
    auto listener = listen(0);
    auto peer = link_to(listener->port());
    run_until([&] { return peer->rtt_ms().has_value(); });
    EXPECT_EQ(peer->state(), PeerState::online);
    ASSERT_TRUE(peer->hello());
    EXPECT_EQ(peer->hello()->peer_uid.str(), "bbbbbb-bbbbbb-bbbbbb");
    EXPECT_EQ(peer->version(), 1);
    EXPECT_GT(*peer->rtt_ms(), 0.0);
    EXPECT_EQ(states, std::vector<PeerState> {PeerState::online});
}

TEST_F(PeerLinkTest, offline_when_silent_and_online_again_when_the_peer_returns) {
    auto listener = listen(0);
    const auto port = listener->port();
    auto peer = link_to(port);
    run_until([&] { return peer->state() == PeerState::online; });
    ASSERT_EQ(peer->state(), PeerState::online);

    listener.reset(); // the peer is gone
    run_until([&] { return peer->state() == PeerState::offline; }, 10s);
    ASSERT_EQ(peer->state(), PeerState::offline);

    listener = listen(port); // back, with no memory of our hello
    run_until([&] { return peer->state() == PeerState::online; }, 10s);
    EXPECT_EQ(peer->state(), PeerState::online);
    EXPECT_NE(listener->hello_of(a.public_key()), nullptr) << "it said hello again";
    EXPECT_EQ(states, (std::vector<PeerState> {PeerState::online, PeerState::offline, PeerState::online}));
}

TEST_F(PeerLinkTest, a_bye_makes_the_peer_offline_at_once) {
    auto listener = listen(0);
    auto peer = link_to(listener->port(), 60s); // silence cannot be why it goes offline
    run_until([&] { return peer->state() == PeerState::online; });
    // A request the listener hands on gives it the connection to say bye on.
    std::optional<Link::Reply> ignored;
    peer->link().request("port_delete", {{"port_uid", "6azqwm-ihg3c9-p9b2aq"}}, 5s,
                         [&](Link::Reply r) { ignored = std::move(r); });
    run_until([&] { return !handed.empty(); });
    ASSERT_EQ(handed.size(), 1u);
    Message bye;
    bye.type = "bye";
    bye.body = {{"reason", "shutdown"}};
    listener->reply(handed[0], bye);
    run_until([&] { return peer->state() == PeerState::offline; });
    EXPECT_EQ(peer->state(), PeerState::offline);
    run_until([&] { return ignored.has_value(); });
    ASSERT_TRUE(ignored);
    EXPECT_EQ(ignored->error().code, ErrorCode::unavailable) << "pending requests fail with the peer";
}

TEST_F(PeerLinkTest, no_common_version_is_incompatible_and_stays_so) {
    auto listener = listen(0, {2, 3});
    auto peer = link_to(listener->port());
    run_until([&] { return peer->state() == PeerState::incompatible; });
    EXPECT_EQ(peer->state(), PeerState::incompatible);
    run_until([] { return false; }, 300ms);
    EXPECT_EQ(peer->state(), PeerState::incompatible);
    EXPECT_EQ(states, std::vector<PeerState> {PeerState::incompatible});
}

} // namespace
} // namespace rocd::p2p
