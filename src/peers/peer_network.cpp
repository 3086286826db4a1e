#include "peers/peer_network.h"

#include <spdlog/spdlog.h>

namespace rocd::peers {

namespace {

// Which messages a key that is not trusted may send (§9.2); the protocol
// itself answers hello.
bool open_to_untrusted(const std::string& type) {
    return type == "pair_request" || type == "pair_reveal" || type == "pair_confirm" ||
           type == "pair_abort" || type == "secret_proof" || type == "bye";
}

} // namespace

Result<std::unique_ptr<PeerNetwork>>
PeerNetwork::start(boost::asio::io_context& io, const p2p::Identity& self, Options options, Events events) {
    std::unique_ptr<PeerNetwork> network(new PeerNetwork(io, self, std::move(options), std::move(events)));
    auto* raw = network.get();
    network->zap_ = std::make_unique<p2p::ZapHandler>(
        io, network->context_, [raw](const p2p::RawKey& key, const std::string& address) {
            // Unknown keys are admitted so that they can pair (§4.3);
            // what each may send is decided per message.
            const auto trust = raw->events_.trust_of(key);
            if (trust == PeerTrust::revoked) {
                return p2p::ZapVerdict {400, {}};
            }
            if (trust != PeerTrust::trusted && !raw->budget_.handshake(address)) {
                raw->log_budget("handshakes of keys it does not trust deferred (ZAP 300)");
                return p2p::ZapVerdict {300, {}};
            }
            return p2p::ZapVerdict {200, p2p::z85_of(key)};
        });
    p2p::Listener::Options listen;
    listen.endpoint = network->options_.endpoint;
    listen.versions = network->options_.versions;
    listen.self_hello = network->options_.self_hello;
    listen.may_ping = [raw](const p2p::RawKey& key) {
        return raw->events_.trust_of(key) == PeerTrust::trusted;
    };
    listen.admit = [raw](const p2p::RawKey& key, std::optional<p2p::MessageKind> kind) {
        return raw->admit(key, kind);
    };
    listen.may_hello = [raw](const p2p::RawKey& key) {
        return raw->events_.trust_of(key) != PeerTrust::revoked;
    };
    listen.subscriptions = [raw](const p2p::RawKey& key) {
        return raw->events_.subscriptions ? raw->events_.subscriptions(key) : nlohmann::json::object();
    };
    listen.on_hello = [raw](const p2p::Inbound& in, const p2p::Hello& hello) {
        raw->events_.on_hello(in.key, hello, in.address);
    };
    auto listener = p2p::Listener::bind(io, network->context_, self, std::move(listen),
                                        [raw](const p2p::Inbound& in) { raw->on_inbound(in); });
    if (!listener) {
        return tl::unexpected(listener.error());
    }
    network->listener_ = std::move(*listener);
    return network;
}

PeerNetwork::PeerNetwork(boost::asio::io_context& io, const p2p::Identity& self, Options options,
                         Events events)
    : io_(io), self_(self), options_(std::move(options)), events_(std::move(events)),
      budget_(options_.limits) {}

PeerNetwork::~PeerNetwork() {
    // Peers hear of the stop now rather than after 3 s of silence (§8.3).
    for (auto& [key, dialed] : links_) {
        if (dialed.link->state() == PeerState::online) {
            dialed.link->link().say_bye("shutdown");
        }
    }
    // Links and the listener close their sockets before the context ends.
    links_.clear();
    listener_.reset();
    zap_.reset();
}

void PeerNetwork::on_inbound(const p2p::Inbound& in) {
    if (in.message.type == "bye") {
        // On the connection the peer dialed: our link to it learns it too.
        if (auto it = links_.find(in.key); it != links_.end()) {
            it->second.link->on_bye();
        }
    }
    const auto trust = events_.trust_of(in.key);
    if (trust == PeerTrust::trusted || (open_to_untrusted(in.message.type) && trust != PeerTrust::revoked)) {
        if (events_.on_message) {
            events_.on_message(in);
        }
        return;
    }
    // Within the budget of an untrusted key (admit()): at most five a second.
    if (p2p::kind_of(in.message.type) == p2p::MessageKind::request) {
        listener_->reply(in, p2p::error_reply(in.message, p2p::ErrorCode::untrusted,
                                              trust == PeerTrust::revoked ? "this peer revoked your key"
                                                                          : "pair with this peer first"));
    }
}

p2p::Admission PeerNetwork::admit(const p2p::RawKey& key, std::optional<p2p::MessageKind> kind) {
    if (events_.trust_of(key) == PeerTrust::trusted) {
        if (kind == p2p::MessageKind::request && !budget_.trusted_request(key)) {
            log_budget("requests of trusted peers answered busy");
            return p2p::Admission::busy;
        }
        return p2p::Admission::pass;
    }
    if (!budget_.untrusted_message(key)) {
        log_budget("messages of keys it does not trust dropped");
        return p2p::Admission::drop;
    }
    return p2p::Admission::pass;
}

void PeerNetwork::log_budget(const char* what) {
    if (budget_log_.allow()) {
        spdlog::warn("peers: over the budgets of docs/p2p.md §17.5: {} (so far: {} handshakes deferred, {} "
                     "messages dropped, {} requests busy){}",
                     what, budget_.handshakes_deferred(), budget_.messages_dropped(),
                     budget_.requests_refused(), budget_log_.held_back());
    }
}

void PeerNetwork::dial(const p2p::RawKey& key, const std::string& endpoint) {
    if (auto it = links_.find(key); it != links_.end()) {
        if (it->second.endpoint == endpoint) {
            return;
        }
        links_.erase(it);
    }
    if (links_.size() >= max_links) {
        spdlog::warn("p2p: not dialing {} at {}: {} links already", p2p::fingerprint_of(key), endpoint,
                     max_links);
        return;
    }
    p2p::PeerLink::Options link;
    link.versions = options_.versions;
    link.self_hello = options_.self_hello;
    link.ping_interval = options_.ping_interval;
    link.offline_after = options_.offline_after;
    link.on_ping_reply = [this, key](const nlohmann::json& subscriptions) {
        if (events_.on_ping_reply) {
            events_.on_ping_reply(key, subscriptions);
        }
    };
    auto peer = std::make_unique<p2p::PeerLink>(
        io_, context_, self_, key, endpoint, std::move(link),
        [this, key](PeerState state) {
            if (events_.on_link_state) {
                events_.on_link_state(key, state);
            }
        },
        [this, key](const p2p::Message& message) {
            if (events_.on_one_way) {
                events_.on_one_way(key, message);
            }
        });
    links_.insert_or_assign(key, Dialed {endpoint, std::move(peer)});
}

void PeerNetwork::hang_up(const p2p::RawKey& key, std::optional<std::string_view> bye) {
    auto it = links_.find(key);
    if (it == links_.end()) {
        return;
    }
    if (bye && it->second.link->state() == PeerState::online) {
        it->second.link->link().say_bye(*bye);
    }
    links_.erase(it);
}

void PeerNetwork::say_hello_again() {
    for (auto& [key, dialed] : links_) {
        if (dialed.link->version()) {
            dialed.link->say_hello_again();
        }
    }
}

p2p::Link* PeerNetwork::requester(const p2p::RawKey& key) {
    auto it = links_.find(key);
    if (it == links_.end() || it->second.link->state() != PeerState::online) {
        return nullptr;
    }
    return &it->second.link->link();
}

std::string PeerNetwork::endpoint_of(const p2p::RawKey& key) const {
    auto it = links_.find(key);
    return it == links_.end() ? std::string() : it->second.endpoint;
}

const p2p::PeerLink* PeerNetwork::link(const p2p::RawKey& key) const {
    auto it = links_.find(key);
    return it == links_.end() ? nullptr : it->second.link.get();
}

p2p::PeerLink* PeerNetwork::link(const p2p::RawKey& key) {
    auto it = links_.find(key);
    return it == links_.end() ? nullptr : it->second.link.get();
}

} // namespace rocd::peers
