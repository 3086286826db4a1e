// A Link talking to a Listener on loopback (docs/p2p.md §5.2, §6.1): hello
// first, the version both speak, ping, what the protocol answers by
// itself, and the rest handed to the daemon with the sender's key.
#include <chrono>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "p2p/link.h"
#include "p2p/listener.h"
#include "p2p_fixture.h"

namespace rocd::p2p {
namespace {

using namespace std::chrono_literals;

using test::hello_of;

struct ListenerTest : test::AdmittingFixture {
    void SetUp() override {
        Listener::Options options;
        options.endpoint = "tcp://127.0.0.1:0";
        options.versions = {1, 1};
        options.self_hello = [] { return hello_of("bbbbbb-bbbbbb-bbbbbb"); };
        auto bound = Listener::bind(io, context, b, options, [this](const Inbound& in) {
            handed.push_back(in);
            listener->reply(in,
                            reply_to(in.message, {{"port", {{"port_uid", in.message.body["port_uid"]}}}}));
        });
        ASSERT_TRUE(bound) << bound.error().message;
        listener = std::move(*bound);
        link.emplace(io, context, a, b.public_key(), "tcp://127.0.0.1:" + std::to_string(listener->port()),
                     [](const Message&) {});
    }

    Link::Reply ask(const std::string& type, const nlohmann::json& body) {
        return AdmittingFixture::ask(*link, type, body, std::chrono::milliseconds(2000));
    }

    std::unique_ptr<Listener> listener;
    std::optional<Link> link;
    std::vector<Inbound> handed;
};

TEST_F(ListenerTest, a_key_says_hello_first_then_pings_and_requests_reach_the_daemon_with_its_key) {
    auto early = ask("ping", nlohmann::json::object());
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, ErrorCode::hello_required);

    auto hello = ask("hello", hello_body(hello_of("aaaaaa-aaaaaa-aaaaaa")));
    ASSERT_TRUE(hello) << hello.error().detail;
    EXPECT_EQ(hello->body["version"], 1);
    EXPECT_EQ(hello->body["peer_uid"], "bbbbbb-bbbbbb-bbbbbb");
    ASSERT_NE(listener->hello_of(a.public_key()), nullptr);
    EXPECT_EQ(listener->hello_of(a.public_key())->peer_uid.str(), "aaaaaa-aaaaaa-aaaaaa");

    auto ping = ask("ping", nlohmann::json::object());
    ASSERT_TRUE(ping) << ping.error().detail;
    EXPECT_EQ(ping->body["subscriptions"], nlohmann::json::object());

    auto update = ask("port_update", {{"port_uid", "6azqwm-ihg3c9-p9b2aq"}, {"mute", true}});
    ASSERT_TRUE(update) << update.error().detail;
    ASSERT_EQ(handed.size(), 1u);
    EXPECT_EQ(handed[0].key, a.public_key());
    EXPECT_EQ(handed[0].message.type, "port_update");
}

TEST_F(ListenerTest, no_common_version_is_unsupported_with_the_listeners_range) {
    auto hello = ask("hello", hello_body(hello_of("aaaaaa-aaaaaa-aaaaaa", {2, 3})));
    ASSERT_FALSE(hello);
    EXPECT_EQ(hello.error().code, ErrorCode::unsupported_version);
    EXPECT_EQ(listener->hello_of(a.public_key()), nullptr);
}

TEST_F(ListenerTest, unknown_types_and_bad_bodies_are_answered_and_never_handed_on) {
    ASSERT_TRUE(ask("hello", hello_body(hello_of("aaaaaa-aaaaaa-aaaaaa"))));
    auto unknown = ask("unknown_request", {{"stream_uid", "aaaaaa-bbbbbb-cccccc"}});
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().code, ErrorCode::unknown_type);
    auto bad = ask("port_delete", {{"port_uid", "not a uid"}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::invalid_argument);
    auto bad_hello = ask("hello", {{"versions", {{"min", 1}, {"max", 1}}}});
    ASSERT_FALSE(bad_hello);
    EXPECT_EQ(bad_hello.error().code, ErrorCode::invalid_argument);
    EXPECT_TRUE(handed.empty());
    EXPECT_EQ(listener->unknown(), 1u);
}

TEST_F(ListenerTest, a_taken_address_is_a_conflict_naming_the_setting) {
    Listener::Options options;
    options.endpoint = "tcp://127.0.0.1:" + std::to_string(listener->port());
    options.self_hello = [] { return hello_of("bbbbbb-bbbbbb-bbbbbb"); };
    auto second = Listener::bind(io, context, b, options, [](const Inbound&) {});
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::conflict);
    EXPECT_EQ(second.error().field, "p2p_listen");
}

} // namespace
} // namespace rocd::p2p
