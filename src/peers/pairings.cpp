#include "peers/pairings.h"

#include <spdlog/spdlog.h>

#include "core/hex.h"

namespace rocd::peers {

namespace {

Errc errc_of(p2p::ErrorCode code) {
    switch (code) {
    case p2p::ErrorCode::timeout:
        return Errc::timed_out;
    case p2p::ErrorCode::unavailable:
        return Errc::unavailable;
    case p2p::ErrorCode::busy:
        return Errc::limit_reached;
    case p2p::ErrorCode::invalid_argument:
    case p2p::ErrorCode::malformed:
    case p2p::ErrorCode::internal:
    case p2p::ErrorCode::unknown_type:
    case p2p::ErrorCode::unsupported_version:
        return Errc::internal; // one of the two implementations is wrong
    default:
        return Errc::conflict; // the other side's state refuses it (trusted, revoked, pairing)
    }
}

Error remote_error(const std::string& what, const p2p::RequestError& error) {
    return Error {errc_of(error.code),
                  what + ": " + std::string(p2p::to_string(error.code)) +
                      (error.detail.empty() ? "" : " (" + error.detail + ")"),
                  "peer"};
}

std::optional<Uid> pairing_id_of(const nlohmann::json& body) {
    if (!body.is_object() || !body.contains("pairing_id") || !body["pairing_id"].is_string()) {
        return std::nullopt;
    }
    auto uid = Uid::parse(body["pairing_id"].get<std::string>());
    return uid ? std::optional<Uid>(*uid) : std::nullopt;
}

nlohmann::json id_body(const Uid& pairing_id) {
    return {{"pairing_id", pairing_id.str()}};
}

} // namespace

Pairings::Pairings(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network,
                   const p2p::Identity& self, Options options)
    : io_(io), peers_(peers), network_(network), self_(self), options_(options) {}

Pairings::~Pairings() {
    *alive_ = false;
}

Result<Pairing> Pairings::get(const Uid& peer) const {
    auto it = open_.find(peer);
    if (it == open_.end()) {
        return fail(Errc::not_found, "no pairing with peer " + peer.str() + " is open", "peer");
    }
    return it->second.view;
}

Pairings::Open& Pairings::open(const Uid& peer, const Uid& pairing_id, const p2p::RawKey& key,
                               bool outgoing) {
    Open pairing {
        Pairing {pairing_id, peer, outgoing, {}, std::chrono::system_clock::now() + options_.window}, key};
    pairing.expiry = std::make_unique<boost::asio::steady_timer>(io_, options_.window);
    pairing.expiry->async_wait([this, peer, pairing_id, alive = std::weak_ptr<bool>(alive_)](auto ec) {
        if (ec || !alive.lock()) {
            return;
        }
        if (auto it = open_.find(peer); it != open_.end() && it->second.view.pairing_id == pairing_id) {
            spdlog::info("pairing with {} expired", peer.str());
            abort_remote(it->second, "expired");
            close(peer);
        }
    });
    auto& stored = open_.insert_or_assign(peer, std::move(pairing)).first->second;
    peers_.set_pairing(peer, true);
    return stored;
}

void Pairings::close(const Uid& peer) {
    open_.erase(peer);
    peers_.set_pairing(peer, false);
}

void Pairings::abort_remote(const Open& pairing, const char* reason) {
    p2p::Link* link = network_.requester(pairing.key);
    if (link == nullptr) {
        return; // its own window ends it there
    }
    nlohmann::json body = id_body(pairing.view.pairing_id);
    body["reason"] = reason;
    link->request("pair_abort", std::move(body), options_.request_timeout, [](p2p::Link::Reply) {});
}

// --- A: the side that starts ---

void Pairings::start(const Uid& peer_uid, Done<Pairing> done) {
    auto peer = peers_.get(PeerRef::of(peer_uid));
    if (!peer) {
        return done(tl::unexpected(peer.error()));
    }
    if (peer->is_self) {
        return done(fail(Errc::invalid_argument, "a daemon does not pair with itself", "peer"));
    }
    if (peer->trust == PeerTrust::trusted) {
        return done(fail(Errc::conflict, "peer " + peer_uid.str() + " is trusted already", "peer"));
    }
    if (open_.contains(peer_uid)) {
        return done(fail(Errc::conflict,
                         "a pairing with peer " + peer_uid.str() + " is open already; cancel it first",
                         "peer"));
    }
    if (open_.size() >= options_.max_open) {
        return done(fail(Errc::limit_reached, "too many pairings are open", "peer"));
    }
    auto key = peers_.key_of(peer_uid);
    p2p::Link* link = key ? network_.requester(*key) : nullptr;
    if (link == nullptr) {
        return done(fail(Errc::unavailable, "peer " + peer_uid.str() + " is not online", "peer"));
    }
    const Uid pairing_id = Uid::random();
    Open& pairing = open(peer_uid, pairing_id, *key, true);
    pairing.nonce_a = p2p::random_nonce();
    nlohmann::json body = id_body(pairing_id);
    body["commitment"] = p2p::commitment_of(pairing.nonce_a);
    ask(peer_uid, "pair_request", std::move(body), done,
        [this, peer_uid, done](Open& pairing, const p2p::Message& reply) {
            auto nonce_b = p2p::nonce_of_hex(reply.body.value("nonce_b", std::string()));
            if (!nonce_b) {
                close(peer_uid);
                return done(fail(Errc::internal, "the peer's pair_request_reply has no valid nonce_b"));
            }
            pairing.nonce_b = *nonce_b;
            reveal(peer_uid, done);
        });
}

void Pairings::ask(const Uid& peer_uid, const char* type, nlohmann::json body, Done<Pairing> done,
                   std::function<void(Open&, const p2p::Message&)> then) {
    Open& pairing = open_.at(peer_uid);
    p2p::Link* link = network_.requester(pairing.key);
    if (link == nullptr) {
        close(peer_uid);
        return done(
            fail(Errc::unavailable, "peer " + peer_uid.str() + " went offline while pairing", "peer"));
    }
    const Uid pairing_id = pairing.view.pairing_id;
    link->request(type, std::move(body), options_.request_timeout,
                  [this, peer_uid, pairing_id, done, then = std::move(then),
                   alive = std::weak_ptr<bool>(alive_)](p2p::Link::Reply reply) {
                      if (!alive.lock()) {
                          return;
                      }
                      auto it = open_.find(peer_uid);
                      if (it != open_.end() && !it->second.view.outgoing) {
                          return done(fail(Errc::conflict,
                                           "peer " + peer_uid.str() +
                                               " started pairing at the same time, and its attempt goes on: "
                                               "confirm the code it shows on this daemon",
                                           "peer"));
                      }
                      if (it == open_.end() || it->second.view.pairing_id != pairing_id) {
                          return done(fail(Errc::conflict, "the pairing was cancelled", "peer"));
                      }
                      if (!reply) {
                          close(peer_uid);
                          return done(
                              tl::unexpected(remote_error("the peer refused to pair", reply.error())));
                      }
                      then(it->second, *reply);
                  });
}

void Pairings::reveal(const Uid& peer_uid, Done<Pairing> done) {
    const Open& open = open_.at(peer_uid);
    nlohmann::json body = id_body(open.view.pairing_id);
    body["nonce_a"] = to_hex(open.nonce_a);
    ask(peer_uid, "pair_reveal", std::move(body), done,
        [this, peer_uid, done](Open& pairing, const p2p::Message&) {
            pairing.revealed = true;
            pairing.view.code =
                p2p::pairing_code(self_.public_key(), pairing.key, pairing.nonce_a, pairing.nonce_b);
            spdlog::info("pairing with {}: type code {} on it", peer_uid.str(), pairing.view.code);
            done(pairing.view);
        });
}

// --- B: the side that is asked ---

void Pairings::confirm(const Uid& peer_uid, const std::string& code, Done<Peer> done) {
    auto it = open_.find(peer_uid);
    if (it == open_.end() || it->second.view.outgoing) {
        return done(fail(Errc::not_found, "no pairing asked by peer " + peer_uid.str() + " is open", "peer"));
    }
    Open& pairing = it->second;
    if (!pairing.revealed) {
        return done(fail(Errc::conflict, "the peer has not revealed its nonce yet; retry", "peer"));
    }
    const std::string expected =
        p2p::pairing_code(self_.public_key(), pairing.key, pairing.nonce_a, pairing.nonce_b);
    if (!p2p::same_code(code, expected)) {
        // One try (§10.3): a wrong code ends the pairing on both sides.
        spdlog::warn("pairing with {}: wrong code typed; the pairing is over", peer_uid.str());
        abort_remote(pairing, "wrong_code");
        close(peer_uid);
        return done(fail(Errc::invalid_argument,
                         "wrong code: the pairing is over on both sides; start it again on the other daemon",
                         "code"));
    }
    p2p::Link* link = network_.requester(pairing.key);
    if (link == nullptr) {
        return done(
            fail(Errc::unavailable, "peer " + peer_uid.str() + " is not online; confirm again", "peer"));
    }
    const Uid pairing_id = pairing.view.pairing_id;
    link->request(
        "pair_confirm", id_body(pairing_id), options_.request_timeout,
        [this, peer_uid, pairing_id, done, alive = std::weak_ptr<bool>(alive_)](p2p::Link::Reply reply) {
            if (!alive.lock()) {
                return;
            }
            auto it = open_.find(peer_uid);
            if (it == open_.end() || it->second.view.pairing_id != pairing_id) {
                return done(fail(Errc::conflict, "the pairing ended meanwhile", "peer"));
            }
            if (!reply) {
                // Stays open: pair_confirm is idempotent (§10.4).
                return done(tl::unexpected(
                    remote_error("the peer did not acknowledge; confirm again", reply.error())));
            }
            open_.erase(it);
            done(peers_.trust(peer_uid));
        });
}

Status Pairings::cancel(const Uid& peer_uid) {
    auto it = open_.find(peer_uid);
    if (it == open_.end()) {
        return fail(Errc::not_found, "no pairing with peer " + peer_uid.str() + " is open", "peer");
    }
    abort_remote(it->second, it->second.view.outgoing ? "cancelled" : "rejected");
    close(peer_uid);
    return {};
}

Pairings::Open* Pairings::find(const p2p::RawKey& key, const Uid& pairing_id) {
    for (auto& [uid, pairing] : open_) {
        if (pairing.key == key && pairing.view.pairing_id == pairing_id) {
            return &pairing;
        }
    }
    return nullptr;
}

void Pairings::on_message(const p2p::Inbound& in) {
    const auto& type = in.message.type;
    auto& listener = network_.listener();
    const auto pairing_id = pairing_id_of(in.message.body);
    if (!pairing_id) {
        listener.reply(
            in, p2p::error_reply(in.message, p2p::ErrorCode::invalid_argument, "pairing_id must be a uid"));
        return;
    }
    if (type == "pair_request") {
        return on_request(in, *pairing_id);
    }
    if (type == "pair_reveal") {
        return on_reveal(in, *pairing_id);
    }
    Open* pairing = find(in.key, *pairing_id);
    if (pairing == nullptr) {
        listener.reply(in, p2p::error_reply(in.message, p2p::ErrorCode::not_found, "no such pairing"));
        return;
    }
    const Uid peer = pairing->view.peer_uid;
    if (type == "pair_abort") {
        spdlog::info("pairing with {} ended by the peer ({})", peer.str(),
                     in.message.body.value("reason", std::string("no reason")));
        close(peer);
        listener.reply(in, p2p::reply_to(in.message, id_body(*pairing_id)));
        return;
    }
    if (type == "pair_confirm" && pairing->view.outgoing && pairing->revealed) {
        // A: the person typed the right code on B.
        auto trusted = peers_.trust(peer);
        if (!trusted) {
            listener.reply(in,
                           p2p::error_reply(in.message, p2p::ErrorCode::internal, trusted.error().message));
            return;
        }
        open_.erase(peer);
        listener.reply(in, p2p::reply_to(in.message, id_body(*pairing_id)));
        return;
    }
    listener.reply(in,
                   p2p::error_reply(in.message, p2p::ErrorCode::conflict, "not at this step of the pairing"));
}

void Pairings::on_request(const p2p::Inbound& in, const Uid& pairing_id) {
    auto& listener = network_.listener();
    auto refuse = [&](p2p::ErrorCode code, const std::string& detail) {
        listener.reply(in, p2p::error_reply(in.message, code, detail));
    };
    const p2p::Hello* hello = listener.hello_of(in.key);
    if (hello == nullptr) {
        return refuse(p2p::ErrorCode::hello_required, "say hello first");
    }
    const Uid peer = hello->peer_uid;
    if (auto it = open_.find(peer); it != open_.end()) {
        if (it->second.view.pairing_id == pairing_id && it->second.key == in.key) {
            nlohmann::json body = id_body(pairing_id); // a retry: the same answer
            body["nonce_b"] = to_hex(it->second.nonce_b);
            body["expires_in_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                                        it->second.view.expires_at - std::chrono::system_clock::now())
                                        .count();
            listener.reply(in, p2p::reply_to(in.message, std::move(body)));
            return;
        }
        // §10.4 rule 7: both sides started at once (ours not answered yet).
        // The side whose key sorts lower, as raw bytes, keeps its attempt.
        const bool both_started =
            it->second.view.outgoing && !it->second.revealed && it->second.key == in.key;
        if (!both_started || self_.public_key() < in.key) {
            return refuse(p2p::ErrorCode::conflict, "a pairing with this peer is open already");
        }
        spdlog::info("peer {} started pairing at the same time as this daemon; its attempt goes on, "
                     "confirm its code here",
                     peer.str());
        close(peer); // ours: the peer refuses it, and its start() is told so
    }
    if (peers_.trust_of(in.key) == PeerTrust::trusted) {
        return refuse(p2p::ErrorCode::conflict, "this daemon trusts you already");
    }
    if (auto stored = peers_.get(PeerRef::of(peer)); stored && stored->key) {
        if (stored->key->public_key != p2p::z85_of(in.key)) {
            return refuse(p2p::ErrorCode::key_mismatch, "this uid is bound to another key here");
        }
    }
    const auto now = std::chrono::steady_clock::now();
    if (auto last = last_request_.find(in.key);
        last != last_request_.end() && now - last->second < options_.request_interval) {
        return refuse(p2p::ErrorCode::busy, "one pairing request per 10 s");
    }
    if (open_.size() >= options_.max_open) {
        return refuse(p2p::ErrorCode::busy, "too many pairings are open");
    }
    const std::string commitment = in.message.body.value("commitment", std::string());
    if (!p2p::nonce_of_hex(commitment)) {
        return refuse(p2p::ErrorCode::invalid_argument, "commitment must be 64 hex digits");
    }
    if (last_request_.size() >= PeerNetwork::max_links) {
        last_request_.clear();
    }
    last_request_[in.key] = now;
    Open& pairing = open(peer, pairing_id, in.key, false);
    pairing.commitment = commitment;
    pairing.nonce_b = p2p::random_nonce();
    spdlog::info("peer {} ({}) asks to pair, key fingerprint {}", peer.str(), hello->display_name,
                 p2p::fingerprint_of(in.key));
    nlohmann::json body = id_body(pairing_id);
    body["nonce_b"] = to_hex(pairing.nonce_b);
    body["expires_in_ms"] = options_.window.count();
    listener.reply(in, p2p::reply_to(in.message, std::move(body)));
}

void Pairings::on_reveal(const p2p::Inbound& in, const Uid& pairing_id) {
    auto& listener = network_.listener();
    Open* pairing = find(in.key, pairing_id);
    if (pairing == nullptr || pairing->view.outgoing) {
        listener.reply(in, p2p::error_reply(in.message, p2p::ErrorCode::not_found, "no such pairing"));
        return;
    }
    auto nonce_a = p2p::nonce_of_hex(in.message.body.value("nonce_a", std::string()));
    if (!nonce_a || p2p::commitment_of(*nonce_a) != pairing->commitment) {
        // §10.4 rule 5: the pairing ends.
        const Uid peer = pairing->view.peer_uid;
        close(peer);
        listener.reply(in, p2p::error_reply(in.message, p2p::ErrorCode::invalid_argument,
                                            "nonce_a does not match the commitment"));
        return;
    }
    pairing->nonce_a = *nonce_a;
    pairing->revealed = true;
    listener.reply(in, p2p::reply_to(in.message, id_body(pairing_id)));
}

} // namespace rocd::peers
