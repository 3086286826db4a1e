// Keys this daemon does not trust, speaking the protocol correctly but
// asking for what they may not have, or too much of it (docs/p2p.md §9.2,
// §17.5), against a daemon's peer network with the budgets it runs with.
#include <algorithm>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "p2p/link.h"
#include "two_nodes.h"

namespace rocd::peers {
namespace {

using namespace std::chrono_literals;

class HostileKeysTest : public ::testing::Test {
protected:
    void SetUp() override {
        b.limits = InboundBudget::Limits {};
        b.start();
    }
    void TearDown() override { b.network.reset(); }

    /// A client with a key of its own, connected to B's ROUTER.
    struct Client {
        explicit Client(const std::filesystem::path& dir) : identity(*p2p::Identity::load_or_create(dir)) {}
        p2p::Identity identity;
        std::unique_ptr<p2p::Link> link;
    };
    std::unique_ptr<Client> connect() {
        auto client = std::make_unique<Client>(dir_of_next());
        client->link = std::make_unique<p2p::Link>(io, context, client->identity, *p2p::key_of_z85(b.key()),
                                                   "tcp://" + b.address(), [](const p2p::Message&) {});
        return client;
    }
    /// Sends a request and runs until it is answered or failed; while the
    /// link is not connected yet, asks again until TIMEOUT has passed (a
    /// deferred handshake is retried with libzmq's back-off, up to 2 s).
    p2p::Link::Reply ask(p2p::Link& link, const std::string& type, nlohmann::json body,
                         std::chrono::milliseconds timeout = 1000ms) {
        const auto deadline = std::chrono::steady_clock::now() + std::max(timeout, 2000ms);
        while (std::chrono::steady_clock::now() < deadline) {
            std::optional<p2p::Link::Reply> reply;
            link.request(type, body, timeout, [&](p2p::Link::Reply r) { reply = std::move(r); });
            run_until([&] { return reply.has_value(); }, timeout + 1000ms);
            if (reply && (*reply || reply->error().code != p2p::ErrorCode::unavailable)) {
                return std::move(*reply);
            }
            run_until([] { return false; }, 20ms); // not connected yet
        }
        return tl::unexpected(p2p::RequestError {p2p::ErrorCode::unavailable, "never connected", nullptr});
    }
    p2p::Link::Reply hello(Client& client, std::chrono::milliseconds timeout = 1000ms) {
        const p2p::Hello hello {{}, {}, Uid::random(), "hostile", "0.1.0", 1, p2p::fresh_nonce()};
        return ask(*client.link, "hello", p2p::hello_body(hello), timeout);
    }
    void run_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_for(10ms);
        }
    }
    std::filesystem::path dir_of_next() {
        dirs.push_back(std::make_unique<test::TempDir>());
        return dirs.back()->path();
    }

    boost::asio::io_context io;
    zmq::context_t context;
    std::vector<std::unique_ptr<test::TempDir>> dirs;
    test_nodes::Node b {io, "kitchen"};
};

TEST_F(HostileKeysTest, an_untrusted_key_may_say_hello_and_nothing_it_may_not) {
    auto client = connect();
    ASSERT_TRUE(hello(*client));
    const std::string port = "aaaaaa-bbbbbb-cccccc";
    for (const auto& [type, body] : std::vector<std::pair<std::string, nlohmann::json>> {
             {"subscribe", {{"topic", "ports"}}},
             {"port_update", {{"port_uid", port}, {"mute", true}}},
             {"port_delete", {{"port_uid", port}}},
         }) {
        run_until([] { return false; }, 250ms); // within its five a second
        auto refused = ask(*client->link, type, body);
        ASSERT_FALSE(refused) << type;
        EXPECT_EQ(refused.error().code, p2p::ErrorCode::untrusted) << type;
    }
    EXPECT_FALSE(b.publisher->subscribed(client->identity.public_key())) << "never executed";
}

TEST_F(HostileKeysTest, a_flood_from_one_key_is_dropped_past_its_budget_and_others_are_still_heard) {
    auto flood = connect();
    ASSERT_TRUE(hello(*flood));
    // 60 at once (a link keeps at most 64 waiting).
    int answered = 0, unanswered = 0;
    for (int i = 0; i < 60; ++i) {
        flood->link->request("subscribe", {{"topic", "ports"}}, 500ms, [&](p2p::Link::Reply r) {
            ++(r || r.error().code != p2p::ErrorCode::timeout ? answered : unanswered);
        });
    }
    run_until([&] { return answered + unanswered == 60; }, 5000ms);
    EXPECT_EQ(answered + unanswered, 60);
    EXPECT_LE(answered, 10) << "five at once, then one every 200 ms";
    EXPECT_GE(b.network->budget().messages_dropped(), 50u);

    // Another key is answered at once: the flood used its own budget.
    auto other = connect();
    EXPECT_TRUE(hello(*other));
}

TEST_F(HostileKeysTest, handshakes_past_the_budget_of_an_address_are_deferred_then_admitted) {
    // Five handshakes a second from one address; these eight all come from 127.0.0.1.
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 8; ++i) {
        clients.push_back(connect());
    }
    // A deferred client's hello waits in its queue until libzmq's next
    // attempt is admitted, which may be a second or more later.
    int greeted = 0;
    for (auto& client : clients) {
        auto greeting = hello(*client, 5000ms);
        EXPECT_TRUE(greeting) << greeting.error().detail;
        greeted += greeting ? 1 : 0;
    }
    EXPECT_EQ(greeted, 8) << "deferred (ZAP 300), and admitted when the client tried again";
    EXPECT_GE(b.network->budget().handshakes_deferred(), 1u);
}

} // namespace
} // namespace rocd::peers
