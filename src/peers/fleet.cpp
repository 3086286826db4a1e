#include "peers/fleet.h"

#include <algorithm>

#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "p2p/fleet_proof.h"
#include "p2p/pairing_code.h"

namespace rocd::peers {

namespace {

bool speaks_fleet(const p2p::Hello& hello) {
    return std::find(hello.capabilities.begin(), hello.capabilities.end(), Fleet::capability) !=
           hello.capabilities.end();
}

} // namespace

Fleet::Fleet(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network, const p2p::Identity& self,
             Options options)
    : io_(io), peers_(peers), network_(network), self_(self), options_(std::move(options)) {}

Fleet::~Fleet() {
    *alive_ = false;
}

void Fleet::on_proof(const p2p::Inbound& in) {
    auto& listener = network_.listener();
    const auto* mac =
        in.message.body.is_object() && in.message.body.contains("mac") && in.message.body["mac"].is_string()
            ? in.message.body["mac"].get_ptr<const std::string*>()
            : nullptr;
    if (mac == nullptr) {
        listener.reply(in,
                       p2p::error_reply(in.message, p2p::ErrorCode::invalid_argument, "mac: expected hex"));
        return;
    }
    const auto sent = listener.nonce_sent_to(in.key, options_.nonce_lifetime);
    const p2p::Hello* theirs = listener.hello_of(in.key);
    const auto our_nonce = sent ? p2p::nonce_of_hex(*sent) : std::nullopt;
    const auto their_nonce = theirs ? p2p::nonce_of_hex(theirs->nonce) : std::nullopt;
    if (!our_nonce || !their_nonce) {
        listener.reply(in,
                       p2p::error_reply(in.message, p2p::ErrorCode::hello_required,
                                        "say hello again: a proof answers a hello of the last " +
                                            std::to_string(options_.nonce_lifetime.count() / 1000) + " s"));
        return;
    }
    if (!p2p::fleet_mac_valid(*mac, options_.secret, in.key, self_.public_key(), *our_nonce)) {
        // §11.2 rule 2: no MAC of ours back, or anyone could test guesses.
        refuse_once(in.key, "proved a wrong network secret");
        listener.reply(in, p2p::error_reply(in.message, p2p::ErrorCode::untrusted, "wrong proof"));
        return;
    }
    auto trusted = peers_.trust_without_pairing(in.key, "it proved the network secret");
    if (!trusted) {
        listener.reply(in, p2p::error_reply(in.message, p2p::ErrorCode::untrusted, trusted.error().message));
        return;
    }
    listener.reply(in, p2p::reply_to(in.message, {{"mac", p2p::fleet_mac(options_.secret, self_.public_key(),
                                                                         in.key, *their_nonce)}}));
}

void Fleet::on_link_state(const p2p::RawKey& key, PeerState state) {
    if (state != PeerState::online) {
        refused_.erase(key); // it may come back with the secret (a restart with a new config)
        return;
    }
    prove(key);
}

void Fleet::prove(const p2p::RawKey& key) {
    const auto trust = peers_.trust_of(key);
    if (trust == PeerTrust::trusted || trust == PeerTrust::revoked || proving_.contains(key) ||
        refused_.contains(key)) {
        return;
    }
    p2p::PeerLink* link = network_.link(key);
    p2p::Link* requester = network_.requester(key);
    if (link == nullptr || requester == nullptr || !link->hello() || !speaks_fleet(*link->hello())) {
        return;
    }
    const auto their_nonce = p2p::nonce_of_hex(link->hello()->nonce);
    const auto our_nonce = p2p::nonce_of_hex(link->nonce_sent());
    if (!their_nonce || !our_nonce) {
        return;
    }
    proving_.insert(key);
    requester->request(
        "secret_proof", {{"mac", p2p::fleet_mac(options_.secret, self_.public_key(), key, *their_nonce)}},
        options_.request_timeout,
        [this, key, our_nonce = *our_nonce, alive = std::weak_ptr<bool>(alive_)](p2p::Link::Reply reply) {
            if (!alive.lock()) {
                return;
            }
            proving_.erase(key);
            if (!reply) {
                if (reply.error().code == p2p::ErrorCode::hello_required) {
                    // Our hello is too old for the peer (§11.2 rule 4): a
                    // fresh one, then the proof again.
                    if (p2p::PeerLink* again = network_.link(key)) {
                        again->say_hello_again();
                        auto timer =
                            std::make_shared<boost::asio::steady_timer>(io_, std::chrono::seconds(1));
                        timer->async_wait([this, key, timer, alive](const boost::system::error_code& ec) {
                            if (!ec && alive.lock()) {
                                prove(key);
                            }
                        });
                    }
                } else if (reply.error().code == p2p::ErrorCode::untrusted) {
                    refuse_once(key,
                                "refused our proof of the network secret (" + reply.error().detail + ")");
                }
                return; // timed out or offline: the next time it is online
            }
            const std::string mac = reply->body.value("mac", "");
            if (!p2p::fleet_mac_valid(mac, options_.secret, key, self_.public_key(), our_nonce)) {
                refuse_once(key, "answered with a wrong proof of the network secret");
                return;
            }
            if (auto trusted = peers_.trust_without_pairing(key, "it proved the network secret"); !trusted) {
                spdlog::warn("peers: {} proved the network secret but is not trusted: {}",
                             p2p::fingerprint_of(key), trusted.error().message);
            }
        });
}

void Fleet::refuse_once(const p2p::RawKey& key, const std::string& why) {
    if (refused_.size() >= PeerNetwork::max_links) {
        refused_.clear();
    }
    if (refused_.insert(key).second) {
        spdlog::warn("peers: key {} {}; not trusted", p2p::fingerprint_of(key), why);
    }
}

} // namespace rocd::peers
