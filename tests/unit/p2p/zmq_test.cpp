// ZeroMQ on the control plane: a CURVE ROUTER and DEALER on loopback, the
// ZAP handler deciding on the client's key, and messages of the codec
// crossing with the client's key as User-Id (docs/p2p.md §4).
#include <chrono>
#include <optional>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "p2p/identity.h"
#include "p2p/message.h"
#include "p2p/sockets.h"
#include "p2p/zap_handler.h"
#include "p2p/zmq_channel.h"
#include "p2p_fixture.h"

namespace rocd::p2p {
namespace {

using namespace std::chrono_literals;

zmq::message_t frame(const std::string& s) {
    return zmq::message_t(s.data(), s.size());
}

// A is the client, B the server, S a stranger; each test sets its own ZAP.
struct ZmqOnControlPlane : test::P2pFixture {
    void SetUp() override {
        server_socket.bind("tcp://127.0.0.1:*");
        endpoint = server_socket.get(zmq::sockopt::last_endpoint);
    }

    // A DEALER with ZMQ_IMMEDIATE takes a message only once a connection is
    // up (handshake and ZAP passed): true when it took it within `limit`.
    bool send_when_connected(ZmqChannel& channel, const std::string& message,
                             std::chrono::milliseconds limit = 5s) {
        bool sent = false;
        run_until(
            [&] {
                Frames frames;
                frames.push_back(frame(message));
                sent = channel.send(std::move(frames));
                return sent;
            },
            limit);
        return sent;
    }

    rocd::test::TempDir stranger_dir;
    Identity& client = a;
    Identity& server = b;
    Identity stranger = test::identity(stranger_dir);
    zmq::socket_t server_socket = router_socket(context, server);
    std::string endpoint;
};

TEST_F(ZmqOnControlPlane, an_admitted_key_is_the_user_id_of_each_message_and_gets_its_reply) {
    std::vector<RawKey> asked;
    ZapHandler zap(io, context, [&](const RawKey& key, const std::string&) {
        asked.push_back(key);
        return ZapVerdict {200, z85_of(key)};
    });
    std::optional<std::string> user_id;
    std::optional<Message> got_reply;
    ZmqChannel router(io, std::move(server_socket), [&](Frames& frames) {
        ASSERT_EQ(frames.size(), 2u) << "routing id, message";
        user_id = frames[1].gets("User-Id");
        auto request = decode(test::text(frames[1]));
        ASSERT_TRUE(request) << request.error().detail;
        Frames reply;
        reply.emplace_back(frames[0].data(), frames[0].size());
        reply.push_back(frame(encode(reply_to(*request, {{"subscriptions", nlohmann::json::object()}}))));
        EXPECT_TRUE(router.send(std::move(reply)));
    });
    ZmqChannel link(io, dealer_socket(context, client, server.public_key(), endpoint), [&](Frames& frames) {
        ASSERT_EQ(frames.size(), 1u);
        auto reply = decode(test::text(frames[0]));
        ASSERT_TRUE(reply) << reply.error().detail;
        got_reply = *reply;
    });
    Message ping;
    ping.type = "ping";
    ping.id = 1;
    ping.timeout_ms = 1000;
    EXPECT_TRUE(send_when_connected(link, encode(ping)));

    run_until([&] { return got_reply.has_value(); });
    ASSERT_TRUE(got_reply);
    EXPECT_EQ(got_reply->type, "ping_reply");
    EXPECT_EQ(got_reply->re, 1u);
    EXPECT_EQ(user_id, z85_of(client.public_key()));
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_EQ(asked[0], client.public_key());
    EXPECT_EQ(zap.answered(), 1u);
}

TEST_F(ZmqOnControlPlane, a_refused_key_never_reaches_the_router) {
    ZapHandler zap(io, context, [&](const RawKey& key, const std::string&) {
        return key == stranger.public_key() ? ZapVerdict {400, {}} : ZapVerdict {200, z85_of(key)};
    });
    std::vector<std::string> users;
    ZmqChannel router(io, std::move(server_socket),
                      [&](Frames& frames) { users.push_back(frames[1].gets("User-Id")); });
    ZmqChannel refused(io, dealer_socket(context, stranger, server.public_key(), endpoint), [](Frames&) {});
    ZmqChannel admitted(io, dealer_socket(context, client, server.public_key(), endpoint), [](Frames&) {});
    const std::string bye = R"({"v": 1, "type": "bye", "body": {"reason": "shutdown"}})";
    EXPECT_TRUE(send_when_connected(admitted, bye));
    EXPECT_FALSE(send_when_connected(refused, bye, 1s)) << "no connection for a refused key";
    run_until([&] { return !users.empty() && zap.answered() >= 2; });
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0], z85_of(client.public_key()));
}

TEST_F(ZmqOnControlPlane, a_client_with_the_wrong_server_key_gets_no_connection) {
    ZapHandler zap(io, context, [&](const RawKey& key, const std::string&) {
        return ZapVerdict {200, z85_of(key)};
    });
    int received = 0;
    ZmqChannel router(io, std::move(server_socket), [&](Frames&) { ++received; });
    // The client believes the server's key is the stranger's.
    ZmqChannel wrong(io, dealer_socket(context, client, stranger.public_key(), endpoint), [](Frames&) {});
    EXPECT_FALSE(
        send_when_connected(wrong, R"({"v": 1, "type": "bye", "body": {"reason": "shutdown"}})", 1s));
    EXPECT_EQ(received, 0);
    EXPECT_EQ(zap.answered(), 0u) << "the handshake fails before ZAP is asked";
}

} // namespace
} // namespace rocd::p2p
