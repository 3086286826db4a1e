// p2p_bench [ROUND_TRIPS=5000] [PORTS=200]: two peers (A, B) that trust each
// other, each with its own state directory, identity, peer service and peer
// network, on one io_context and real CURVE sockets over 127.0.0.1. Prints:
//   - the round trip of a request (ping) from A to B, sequential;
//   - the time A takes to mirror B's PORTS ports (subscribe -> snapshot applied);
//   - the time from B publishing a port change to A's mirror applying it.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "api/representation/port_json.h"
#include "peers/peer_network.h"
#include "peers/peer_service.h"
#include "peers/port_mirror.h"
#include "peers/topic_publisher.h"
#include "store/store.h"

using namespace rocd;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

void die(const std::string& what) {
    std::fprintf(stderr, "p2p_bench: %s\n", what.c_str());
    std::exit(1);
}

struct Node {
    Node(boost::asio::io_context& io, const std::string& name) : io(io) {
        char pattern[] = "/tmp/rocd-p2p-bench-XXXXXX";
        dir = mkdtemp(pattern);
        auto opened = store::Store::open(dir);
        if (!opened) {
            die(opened.error().message);
        }
        store.emplace(std::move(*opened));
        auto id = p2p::Identity::load_or_create(dir);
        if (!id) {
            die(id.error().message);
        }
        identity.emplace(std::move(*id));
        service =
            std::make_unique<peers::PeerService>(store->peers(), store->self_uid(), identity->peer_key());
        (void)service->rename(PeerRef::self(), name);
    }
    ~Node() {
        mirror.reset();
        publisher.reset();
        network.reset();
        service.reset();
        store.reset();
        std::filesystem::remove_all(dir);
    }

    void start() {
        peers::PeerNetwork::Options options;
        options.endpoint = "tcp://127.0.0.1:0";
        // Round trips back to back: thousands of requests a second, which
        // the daemon's budget (200 per trusted key) would answer busy.
        options.limits.trusted_requests_per_key = 1'000'000;
        options.self_hello = [this] {
            return p2p::Hello {{}, {}, store->self_uid(), "bench", "0.1.0", network ? network->port() : 0,
                               {}};
        };
        peers::PeerNetwork::Events events;
        events.trust_of = [this](const p2p::RawKey& key) { return service->trust_of(key); };
        events.on_hello = [this](const p2p::RawKey& key, const p2p::Hello& hello,
                                 const std::string& address) { service->on_hello(key, hello, address); };
        events.on_link_state = [this](const p2p::RawKey& key, PeerState state) {
            service->on_link_state(key, state);
        };
        events.on_message = [this](const p2p::Inbound& in) { publisher->on_request(in); };
        events.on_one_way = [this](const p2p::RawKey& key, const p2p::Message& message) {
            if (auto peer = service->peer_of(key)) {
                mirror->on_one_way(*peer, message);
            }
        };
        auto started = peers::PeerNetwork::start(io, *identity, options, events);
        if (!started) {
            die(started.error().message);
        }
        network = std::move(*started);
        publisher = std::make_unique<peers::TopicPublisher>(network->listener(), "ports", "port",
                                                            [this] { return ports; });
        mirror = std::make_unique<peers::PortMirror>(io, *network, "ports", "port", api::parse_port);
        service->add_listener([this](peers::PeerService::Change, const Peer& peer) {
            mirror->on_peer(peer, service->key_of(peer.uid));
        });
        service->attach(network.get(), {"127.0.0.1:" + std::to_string(network->port())});
    }

    /// Stores `other` as trusted, reachable at its address (as a pairing would).
    void trust(const Node& other) {
        store::PeerRecord record {{other.store->self_uid(), "other"}};
        record.key = PeerKey {other.identity->peer_key().public_key, {}};
        record.trust = PeerTrust::trusted;
        record.addresses = {"127.0.0.1:" + std::to_string(other.network->port())};
        if (!store->peers().put(record)) {
            die("cannot store the other peer");
        }
    }

    boost::asio::io_context& io;
    std::filesystem::path dir;
    std::optional<store::Store> store;
    std::optional<p2p::Identity> identity;
    std::unique_ptr<peers::PeerService> service;
    std::unique_ptr<peers::PeerNetwork> network;
    std::unique_ptr<peers::TopicPublisher> publisher;
    std::unique_ptr<peers::PortMirror> mirror;
    nlohmann::json ports = nlohmann::json::array();
};

void run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::seconds limit = 10s) {
    const auto deadline = Clock::now() + limit;
    while (!done() && Clock::now() < deadline) {
        io.restart();
        io.run_one_for(10ms);
    }
    if (!done()) {
        die("timed out");
    }
}

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

void print(const char* what, std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    auto at = [&](double q) {
        return samples[std::min(samples.size() - 1, std::size_t(q * samples.size()))];
    };
    std::printf("%-34s n=%-6zu median %.3f ms  p99 %.3f ms  max %.3f ms\n", what, samples.size(), at(0.5),
                at(0.99), samples.back());
}

nlohmann::json port(const Uid& peer, int i) {
    Port p {Uid::random(), peer};
    p.driver = "pipewire";
    p.system_name = "bench_device_" + std::to_string(i);
    p.display_name = "Bench device " + std::to_string(i);
    p.channels = 2;
    p.rate = 48000;
    p.present = true;
    return api::port_json(p);
}

} // namespace

int main(int argc, char** argv) {
    const int round_trips = argc > 1 ? std::atoi(argv[1]) : 5000;
    const int port_count = argc > 2 ? std::atoi(argv[2]) : 200;
    spdlog::set_level(spdlog::level::warn);
    boost::asio::io_context io;
    Node a(io, "a"), b(io, "b");
    for (int i = 0; i < port_count; ++i) {
        b.ports.push_back(port(b.store->self_uid(), i));
    }
    // Each trusts the other before its network dials (addresses need ports).
    a.start();
    b.start();
    a.trust(b);
    b.trust(a);
    const auto b_key = *p2p::key_of_z85(b.identity->peer_key().public_key);
    const auto mirror_start = Clock::now();
    a.service->add_static("127.0.0.1:" + std::to_string(b.network->port()),
                          b.identity->peer_key().public_key);
    run_until(io, [&] {
        const auto* m = a.mirror->of(b.store->self_uid());
        return m != nullptr && m->items.size() == std::size_t(port_count);
    });
    std::printf("%-34s %.3f ms (link up, hello, subscribe, %d ports checked)\n",
                "A mirrors B from a cold start", ms(Clock::now() - mirror_start), port_count);

    // Round trips: one request at a time.
    std::vector<double> rtt;
    for (int i = 0; i < round_trips; ++i) {
        p2p::Link* link = a.network->requester(b_key);
        if (link == nullptr) {
            die("link down");
        }
        bool done = false;
        const auto sent = Clock::now();
        link->request("ping", nlohmann::json::object(), 1000ms, [&](p2p::Link::Reply reply) {
            if (!reply) {
                die("ping failed: " + reply.error().detail);
            }
            rtt.push_back(ms(Clock::now() - sent));
            done = true;
        });
        run_until(io, [&] { return done; });
    }
    print("request round trip A -> B", rtt);

    // Change on B -> applied on A.
    std::vector<double> delta;
    Clock::time_point published;
    bool applied = false;
    a.mirror->add_listener([&](const std::string&, const Port&) {
        delta.push_back(ms(Clock::now() - published));
        applied = true;
    });
    for (int i = 0; i < 1000; ++i) {
        auto changed = b.ports[std::size_t(i % port_count)];
        changed["volume"] = (i % 10) / 10.0;
        applied = false;
        published = Clock::now();
        b.publisher->publish("port_updated", changed);
        run_until(io, [&] { return applied; });
    }
    print("port change B -> A's mirror", delta);
    return 0;
}
