// Interactive pairing (docs/p2p.md §10), both sides of it: the person
// starts on A (start(): A commits to its nonce, learns B's, reveals its own
// and shows the code), types the code on B (confirm(): B compares, tells A
// with pair_confirm and trusts A once A acknowledged), or rejects or
// cancels it (cancel()). Pairings are in memory only: a restart ends them.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/done.h"
#include "core/peer.h"
#include "p2p/listener.h"
#include "p2p/pairing_code.h"
#include "peers/peer_network.h"
#include "peers/peer_service.h"

namespace rocd::peers {

/// A pairing as the API shows it.
struct Pairing {
    Uid pairing_id;
    Uid peer_uid;
    /// True on A, the side that started it.
    bool outgoing = false;
    /// On A, once B answered: the code the person types on B. Never on B (§10.4).
    std::string code;
    std::chrono::system_clock::time_point expires_at;
};

class Pairings {
public:
    struct Options {
        /// How long a pairing stays open on each side.
        std::chrono::milliseconds window {120'000};
        /// Deadline of each pairing request to the other side.
        std::chrono::milliseconds request_timeout {5000};
        /// Pairings open at once.
        std::size_t max_open = 8;
        /// One pair_request per key per this long (§10.4).
        std::chrono::milliseconds request_interval {10'000};
    };

    Pairings(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network, const p2p::Identity& self,
             Options options);
    Pairings(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network, const p2p::Identity& self)
        : Pairings(io, peers, network, self, Options {}) {}
    ~Pairings();

    /// A: starts pairing with a discovered (or revoked) peer that is online.
    void start(const Uid& peer, Done<Pairing> done);
    /// B: the code the person read on A. Right: the peer is trusted once A
    /// acknowledged (Errc::timed_out if it did not in time; the pairing
    /// stays open). Wrong: the pairing ends on both sides (invalid_argument,
    /// field "code").
    void confirm(const Uid& peer, const std::string& code, Done<Peer> done);
    /// Either side: ends the pairing and tells the other side.
    Status cancel(const Uid& peer);
    /// The open pairing with `peer`; Errc::not_found if none.
    Result<Pairing> get(const Uid& peer) const;

    /// A pairing message from the ROUTER (trust already checked: any key
    /// but a revoked one that is not being paired).
    void on_message(const p2p::Inbound& in);

private:
    struct Open {
        Pairing view;
        p2p::RawKey key;
        p2p::Nonce nonce_a {}, nonce_b {};
        std::string commitment; // B: what A committed to
        bool revealed = false;  // B: A's nonce checked; A: B's nonce known
        std::unique_ptr<boost::asio::steady_timer> expiry;
    };

    Open& open(const Uid& peer, const Uid& pairing_id, const p2p::RawKey& key, bool outgoing);
    void close(const Uid& peer);
    void abort_remote(const Open& pairing, const char* reason);
    void on_request(const p2p::Inbound& in, const Uid& pairing_id);
    void on_reveal(const p2p::Inbound& in, const Uid& pairing_id);
    Open* find(const p2p::RawKey& key, const Uid& pairing_id);
    void reveal(const Uid& peer, Done<Pairing> done);
    /// A's request of the open pairing with `peer`; `then` gets its reply
    /// while the pairing is still open. A refusal or silence ends it.
    void ask(const Uid& peer, const char* type, nlohmann::json body, Done<Pairing> done,
             std::function<void(Open&, const p2p::Message&)> then);

    boost::asio::io_context& io_;
    PeerService& peers_;
    PeerNetwork& network_;
    const p2p::Identity& self_;
    Options options_;
    std::map<Uid, Open> open_;
    std::map<p2p::RawKey, std::chrono::steady_clock::time_point> last_request_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace rocd::peers
