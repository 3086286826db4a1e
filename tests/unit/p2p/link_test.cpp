// A Link's requests against a responder on loopback (docs/p2p.md §7): each
// reply reaches its request, errors carry the peer's code and problem,
// deadlines fail requests and drop what comes later, one-way messages are
// handed on, and nothing waits when nothing is connected.
#include <chrono>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "p2p/link.h"
#include "p2p/sockets.h"
#include "p2p_fixture.h"

namespace rocd::p2p {
namespace {

using namespace std::chrono_literals;

using test::text;

// Answers as a peer's ROUTER would, by request type: ping and port_update
// (with a problem) at once, subscribe after 300 ms, unsubscribe with the
// wrong type; after a ping it also sends a delta.
struct Responder {
    Responder(boost::asio::io_context& io, zmq::context_t& context, const Identity& self) : io(io) {
        zmq::socket_t s = router_socket(context, self);
        s.bind("tcp://127.0.0.1:*");
        endpoint = s.get(zmq::sockopt::last_endpoint);
        channel.emplace(io, std::move(s), [this](Frames& frames) { on(frames); });
    }

    void send(const zmq::message_t& to, const Message& m) {
        Frames out;
        out.emplace_back(to.data(), to.size());
        const std::string encoded = encode(m);
        out.emplace_back(encoded.data(), encoded.size());
        channel->send(std::move(out));
    }

    void on(Frames& frames) {
        auto request = decode(text(frames[1]));
        ASSERT_TRUE(request) << request.error().detail;
        seen.push_back(request->type);
        if (request->type == "ping") {
            send(frames[0], reply_to(*request, {{"subscriptions", nlohmann::json::object()}}));
            Message delta;
            delta.type = "delta";
            delta.body = {{"topic", "ports"},
                          {"seq", 1},
                          {"event", "port_removed"},
                          {"port", nlohmann::json::object()}};
            send(frames[0], delta);
        } else if (request->type == "port_update") {
            Message e = error_reply(*request, ErrorCode::not_found, "no port x");
            e.body["problem"] = {{"type", "urn:rocd:problem:not-found"}, {"status", 404}};
            send(frames[0], e);
        } else if (request->type == "subscribe") {
            auto to = std::make_shared<zmq::message_t>(frames[0].data(), frames[0].size());
            auto timer = std::make_shared<boost::asio::steady_timer>(io, 300ms);
            timer->async_wait([this, timer, to, r = *request](const boost::system::error_code&) {
                send(*to, reply_to(r, {{"topic", "ports"}, {"seq", 0}, {"ports", nlohmann::json::array()}}));
            });
        } else if (request->type == "port_delete") {
            send(frames[0], reply_to(*request, {{"port_uid", 7}})); // mistyped: not a uid
        } else if (request->type == "unsubscribe") {
            Message wrong = reply_to(*request, {{"subscriptions", nlohmann::json::object()}});
            wrong.type = "ping_reply";
            send(frames[0], wrong);
        }
    }

    boost::asio::io_context& io;
    std::string endpoint;
    std::optional<ZmqChannel> channel;
    std::vector<std::string> seen;
};

struct LinkTest : test::AdmittingFixture {
    Link::Reply until_connected(Link& link, const std::string& type, const nlohmann::json& body) {
        return ask(link, type, body);
    }

    Responder responder {io, context, b};
};

TEST_F(LinkTest, a_reply_reaches_its_request_and_a_one_way_message_is_handed_on) {
    std::vector<Message> one_way;
    Link link(io, context, a, b.public_key(), responder.endpoint,
              [&](const Message& m) { one_way.push_back(m); });
    auto reply = until_connected(link, "ping", nlohmann::json::object());
    ASSERT_TRUE(reply) << reply.error().detail;
    EXPECT_EQ(reply->type, "ping_reply");
    run_until([&] { return !one_way.empty(); });
    ASSERT_EQ(one_way.size(), 1u);
    EXPECT_EQ(one_way[0].type, "delta");
    EXPECT_EQ(link.pending(), 0u);
}

TEST_F(LinkTest, an_error_carries_the_peers_code_and_problem) {
    Link link(io, context, a, b.public_key(), responder.endpoint, [](const Message&) {});
    auto reply = until_connected(link, "port_update", {{"port_uid", "6azqwm-ihg3c9-p9b2aq"}, {"mute", true}});
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().code, ErrorCode::not_found);
    EXPECT_EQ(reply.error().detail, "no port x");
    EXPECT_EQ(reply.error().problem["status"], 404);
}

TEST_F(LinkTest, a_request_past_its_deadline_fails_and_its_late_reply_is_dropped) {
    Link link(io, context, a, b.public_key(), responder.endpoint, [](const Message&) {});
    ASSERT_TRUE(until_connected(link, "ping", nlohmann::json::object()));
    std::optional<Link::Reply> reply;
    link.request("subscribe", {{"topic", "ports"}}, 100ms, [&](Link::Reply r) { reply = std::move(r); });
    run_until([&] { return reply.has_value(); });
    ASSERT_TRUE(reply);
    ASSERT_FALSE(*reply);
    EXPECT_EQ(reply->error().code, ErrorCode::timeout);
    EXPECT_EQ(link.pending(), 0u);
    run_until([&] { return link.dropped() > 0; });
    EXPECT_EQ(link.dropped(), 1u) << "the reply that came 300 ms later";
}

TEST_F(LinkTest, a_reply_of_another_type_is_refused) {
    Link link(io, context, a, b.public_key(), responder.endpoint, [](const Message&) {});
    auto reply = until_connected(link, "unsubscribe", {{"topic", "ports"}});
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().code, ErrorCode::malformed);
}

TEST_F(LinkTest, a_malformed_reply_fails_its_request_at_once) {
    Link link(io, context, a, b.public_key(), responder.endpoint, [](const Message&) {});
    auto reply = until_connected(link, "port_delete", {{"port_uid", "6azqwm-ihg3c9-p9b2aq"}});
    ASSERT_FALSE(reply);
    // Not `timeout`: the request failed when the reply came, not at its deadline.
    EXPECT_EQ(reply.error().code, ErrorCode::malformed);
    EXPECT_NE(reply.error().detail.find("body.port_uid"), std::string::npos) << reply.error().detail;
}

TEST_F(LinkTest, nothing_waits_when_nothing_is_connected_and_pending_requests_fail_when_told) {
    // Nobody listens there: with ZMQ_IMMEDIATE the request fails at once.
    Link nowhere(io, context, a, b.public_key(), "tcp://127.0.0.1:9", [](const Message&) {});
    std::optional<Link::Reply> reply;
    nowhere.request("ping", nlohmann::json::object(), 5s, [&](Link::Reply r) { reply = std::move(r); });
    run_until([&] { return reply.has_value(); }, 1s);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->error().code, ErrorCode::unavailable);

    Link link(io, context, a, b.public_key(), responder.endpoint, [](const Message&) {});
    ASSERT_TRUE(until_connected(link, "ping", nlohmann::json::object()));
    std::optional<Link::Reply> waiting;
    link.request("subscribe", {{"topic", "ports"}}, 5s, [&](Link::Reply r) { waiting = std::move(r); });
    link.fail_pending(ErrorCode::unavailable, "the peer is offline");
    run_until([&] { return waiting.has_value(); }, 1s);
    ASSERT_TRUE(waiting);
    EXPECT_EQ(waiting->error().detail, "the peer is offline");
}

} // namespace
} // namespace rocd::p2p
