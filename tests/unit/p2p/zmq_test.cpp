// ZeroMQ on the control plane: a CURVE ROUTER and DEALER on loopback, the
// ZAP handler deciding on the client's key, and messages of the codec
// crossing with the client's key as User-Id (docs/p2p.md §4).
#include <chrono>
#include <optional>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "p2p/identity.h"
#include "p2p/message.h"
#include "p2p/zap_handler.h"
#include "p2p/zmq_channel.h"
#include "temp_dir.h"

namespace rocd::p2p {
namespace {

using namespace std::chrono_literals;

Identity identity(const test::TempDir& dir) {
    auto id = Identity::load_or_create(dir.path());
    EXPECT_TRUE(id) << id.error().message;
    return std::move(*id);
}

zmq::message_t frame(const std::string& s) {
    return zmq::message_t(s.data(), s.size());
}

std::string text(const zmq::message_t& m) {
    return std::string(static_cast<const char*>(m.data()), m.size());
}

struct ZmqOnControlPlane : ::testing::Test {
    void SetUp() override {
        server_socket.set(zmq::sockopt::linger, 0);
        server_socket.set(zmq::sockopt::curve_server, 1);
        server_socket.set(zmq::sockopt::curve_secretkey, server.secret_key_z85());
        server_socket.set(zmq::sockopt::zap_domain, "rocd");
        server_socket.set(zmq::sockopt::router_mandatory, 1);
        server_socket.bind("tcp://127.0.0.1:*");
        endpoint = server_socket.get(zmq::sockopt::last_endpoint);
    }

    zmq::socket_t dealer(const Identity& client, const RawKey& server_key) {
        zmq::socket_t s(context, zmq::socket_type::dealer);
        s.set(zmq::sockopt::linger, 0);
        s.set(zmq::sockopt::curve_serverkey, z85_of(server_key));
        s.set(zmq::sockopt::curve_publickey, z85_of(client.public_key()));
        s.set(zmq::sockopt::curve_secretkey, client.secret_key_z85());
        s.connect(endpoint);
        return s;
    }

    void run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_for(10ms);
        }
    }

    test::TempDir server_dir, client_dir, stranger_dir;
    Identity server = identity(server_dir), client = identity(client_dir), stranger = identity(stranger_dir);
    boost::asio::io_context io;
    zmq::context_t context;
    zmq::socket_t server_socket {context, zmq::socket_type::router};
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
        auto request = decode(text(frames[1]));
        ASSERT_TRUE(request) << request.error().detail;
        Frames reply;
        reply.emplace_back(frames[0].data(), frames[0].size());
        reply.push_back(frame(encode(reply_to(*request, {{"subscriptions", nlohmann::json::object()}}))));
        EXPECT_TRUE(router.send(std::move(reply)));
    });
    ZmqChannel link(io, dealer(client, server.public_key()), [&](Frames& frames) {
        ASSERT_EQ(frames.size(), 1u);
        auto reply = decode(text(frames[0]));
        ASSERT_TRUE(reply) << reply.error().detail;
        got_reply = *reply;
    });
    Message ping;
    ping.type = "ping";
    ping.id = 1;
    ping.timeout_ms = 1000;
    Frames request;
    request.push_back(frame(encode(ping)));
    EXPECT_TRUE(link.send(std::move(request)));

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
    ZmqChannel refused(io, dealer(stranger, server.public_key()), [](Frames&) {});
    ZmqChannel admitted(io, dealer(client, server.public_key()), [](Frames&) {});
    Frames one, two;
    one.push_back(frame(R"({"v": 1, "type": "bye", "body": {"reason": "shutdown"}})"));
    two.push_back(frame(R"({"v": 1, "type": "bye", "body": {"reason": "shutdown"}})"));
    refused.send(std::move(one));
    admitted.send(std::move(two));
    run_until([&] { return !users.empty() && zap.answered() >= 2; });
    run_until([] { return false; }, 200ms); // anything late from the refused client would arrive now
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
    ZmqChannel wrong(io, dealer(client, stranger.public_key()), [](Frames&) {});
    Frames one;
    one.push_back(frame(R"({"v": 1, "type": "bye", "body": {"reason": "shutdown"}})"));
    wrong.send(std::move(one));
    run_until([] { return false; }, 500ms);
    EXPECT_EQ(received, 0);
    EXPECT_EQ(zap.answered(), 0u) << "the handshake fails before ZAP is asked";
}

} // namespace
} // namespace rocd::p2p
