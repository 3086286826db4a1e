// Two daemons' peer services, each with its own state directory, identity
// and peer network, on one io_context and real ZeroMQ sockets on loopback.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "api/representation/port_json.h"
#include "peers/fleet.h"
#include "peers/pairings.h"
#include "peers/peer_network.h"
#include "peers/peer_service.h"
#include "peers/port_mirror.h"
#include "peers/topic_publisher.h"
#include "store/store.h"
#include "support/await.h"
#include "support/temp_dir.h"

namespace rocd::peers::test_nodes {

using namespace std::chrono_literals;

struct Node {
    explicit Node(boost::asio::io_context& io, std::string name) : io(io), name(std::move(name)) {}

    void start() {
        auto opened = store::Store::open(dir.path());
        ASSERT_TRUE(opened) << opened.error().message;
        store.emplace(std::move(*opened));
        auto id = p2p::Identity::load_or_create(dir.path());
        ASSERT_TRUE(id) << id.error().message;
        identity.emplace(std::move(*id));
        service = std::make_unique<PeerService>(store->peers(), store->self_uid(), identity->peer_key());
        ASSERT_TRUE(service->rename(PeerRef::self(), name));
        PeerNetwork::Options options;
        options.endpoint = "tcp://127.0.0.1:0";
        options.self_hello = [this] {
            std::vector<std::string> capabilities {"ports"};
            if (!secret.empty()) {
                capabilities.emplace_back(Fleet::capability);
            }
            return p2p::Hello {
                {}, capabilities, store->self_uid(), name, "0.1.0", network ? network->port() : 0, {}};
        };
        options.ping_interval = 100ms;
        options.limits = limits;
        options.offline_after = offline_after;
        PeerNetwork::Events events;
        events.trust_of = [this](const p2p::RawKey& key) { return service->trust_of(key); };
        events.on_hello = [this](const p2p::RawKey& key, const p2p::Hello& hello,
                                 const std::string& address) { service->on_hello(key, hello, address); };
        events.on_link_state = [this](const p2p::RawKey& key, PeerState state) {
            service->on_link_state(key, state);
            if (fleet) {
                fleet->on_link_state(key, state);
            }
        };
        events.on_message = [this](const p2p::Inbound& in) {
            if (in.message.type == "subscribe" || in.message.type == "unsubscribe") {
                return publisher->on_request(in);
            }
            if (in.message.type == "secret_proof" && fleet) {
                return fleet->on_proof(in);
            }
            pairings->on_message(in);
        };
        events.on_one_way = [this](const p2p::RawKey& key, const p2p::Message& message) {
            if (auto peer = service->peer_of(key)) {
                mirror->on_one_way(*peer, message);
            }
        };
        events.subscriptions = [this](const p2p::RawKey& key) {
            return subscriptions_of(key, {publisher.get()});
        };
        events.on_ping_reply = [this](const p2p::RawKey& key, const nlohmann::json& subscriptions) {
            if (auto peer = service->peer_of(key)) {
                mirror->on_subscriptions(*peer, subscriptions);
            }
        };
        auto started = PeerNetwork::start(io, *identity, options, events);
        ASSERT_TRUE(started) << started.error().message;
        network = std::move(*started);
        Pairings::Options pairing;
        pairing.window = window;
        pairing.request_interval = 0ms;
        pairings = std::make_unique<Pairings>(io, *service, *network, *identity, pairing);
        if (!secret.empty()) {
            fleet =
                std::make_unique<Fleet>(io, *service, *network, *identity,
                                        Fleet::Options {.secret = secret, .nonce_lifetime = nonce_lifetime});
        }
        service->set_trust_on_first_use(trust_on_first_use);
        publisher =
            std::make_unique<TopicPublisher>(network->listener(), "ports", "port", [this] { return ports; });
        mirror = std::make_unique<PortMirror>(io, *network, "ports", "port", api::parse_port);
        service->add_listener([this](PeerService::Change, const Peer& peer) {
            mirror->on_peer(peer, service->key_of(peer.uid));
        });
        service->attach(network.get(), {"127.0.0.1:" + std::to_string(network->port())});
    }

    std::string address() const { return "127.0.0.1:" + std::to_string(network->port()); }
    std::string key() const { return identity->peer_key().public_key; }
    std::optional<Peer> peer(const Uid& uid) const {
        auto found = service->get(PeerRef::of(uid));
        return found ? std::optional<Peer>(*found) : std::nullopt;
    }

    boost::asio::io_context& io;
    std::string name;
    test::TempDir dir;
    std::optional<store::Store> store;
    std::optional<p2p::Identity> identity;
    std::unique_ptr<PeerService> service;
    std::unique_ptr<PeerNetwork> network;
    std::unique_ptr<Pairings> pairings;
    std::unique_ptr<Fleet> fleet;
    std::unique_ptr<TopicPublisher> publisher;
    std::unique_ptr<PortMirror> mirror;
    /// What this node's publisher shows as its ports.
    nlohmann::json ports = nlohmann::json::array();
    std::chrono::milliseconds window {120'000};
    /// Set before start(): a fleet secret, trust on first use.
    std::string secret;
    std::chrono::milliseconds nonce_lifetime {30'000};
    bool trust_on_first_use = false;
    /// Ten pings a second here, not one: room for them in the budgets of
    /// keys not trusted yet (the budgets have their own tests).
    InboundBudget::Limits limits {.untrusted_per_key = 100, .untrusted_in_all = 1000};
    /// As the daemon's: pings refused once a second must do.
    std::chrono::milliseconds offline_after {3000};
};

class TwoNodes : public ::testing::Test {
protected:
    void SetUp() override {
        a.start();
        b.start();
    }
    void TearDown() override {
        // The networks' callbacks use the pairings and services.
        a.network.reset();
        b.network.reset();
    }

    /// A and B online to each other, untrusted.
    void connect() {
        ASSERT_TRUE(a.service->add_static(b.address(), b.key()));
        run_until([&] { return state_is(a, b, PeerState::online) && state_is(b, a, PeerState::online); });
        ASSERT_TRUE(state_is(a, b, PeerState::online) && state_is(b, a, PeerState::online));
    }
    Result<Pairing> start_pairing() {
        return test::await<Pairing>(io, [&](auto done) { a.pairings->start(b.store->self_uid(), done); });
    }
    Result<Peer> confirm(const std::string& code) {
        return test::await<Peer>(io,
                                 [&](auto done) { b.pairings->confirm(a.store->self_uid(), code, done); });
    }
    std::optional<PeerTrust> trust(const Node& on, const Node& of) {
        auto peer = on.peer(of.store->self_uid());
        return peer ? peer->trust : std::nullopt;
    }

    void run_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 5000ms) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_for(10ms);
        }
    }
    bool state_is(const Node& on, const Node& of, PeerState state) {
        auto peer = on.peer(of.store->self_uid());
        return peer && peer->state == state;
    }

    boost::asio::io_context io;
    Node a {io, "studio"}, b {io, "kitchen"};
};

} // namespace rocd::peers::test_nodes
