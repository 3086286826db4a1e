// What this daemon knows of one peer through its Link (docs/p2p.md §6.1,
// §8): the hello exchange as soon as a connection is up, a ping every
// second for the round-trip time, and whether the peer is online (anything
// heard within 3 s), offline, or incompatible (no version in common; no
// retry until told). Pending requests fail at once when the peer goes
// offline.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/peer.h"
#include "p2p/hello.h"
#include "p2p/link.h"

namespace rocd::p2p {

class PeerLink {
public:
    struct Options {
        VersionRange versions;
        /// What this daemon says in its hellos (a fresh nonce is added each time).
        std::function<Hello()> self_hello;
        std::chrono::milliseconds ping_interval {1000};
        /// Silence after which the peer is offline (§8.2).
        std::chrono::milliseconds offline_after {3000};
        /// Told what each ping_reply lists: the subscriptions the peer holds
        /// for this daemon, topic → seq of the last delta sent (§8.1).
        std::function<void(const nlohmann::json& subscriptions)> on_ping_reply;
    };
    /// Called on the control plane when the state changes (offline, online
    /// or incompatible; key_mismatch is the trust store's to say).
    using OnState = std::function<void(PeerState)>;

    PeerLink(boost::asio::io_context& io, zmq::context_t& context, const Identity& self,
             const RawKey& peer_key, const std::string& endpoint, Options options, OnState on_state,
             Link::OneWay on_one_way);
    ~PeerLink();

    PeerState state() const { return state_; }
    /// The peer's hello, once it answered ours.
    const std::optional<Hello>& hello() const { return hello_; }
    /// The nonce of this daemon's hello that the peer answered (§11.1).
    const std::string& nonce_sent() const { return nonce_sent_; }
    /// Says hello again on a live link: a fresh pair of nonces (a fleet
    /// proof whose nonce expired, §11.2).
    void say_hello_again() { say_hello(); }
    /// The version agreed in the hello exchange.
    std::optional<int> version() const { return version_; }
    /// Smoothed round trip of pings (1/8 of each sample), once one came back.
    std::optional<double> rtt_ms() const { return rtt_ms_; }
    /// When anything was last heard from the peer.
    std::optional<std::chrono::steady_clock::time_point> last_seen() const { return last_seen_; }

    /// The peer said `bye` (§8.3), on this link or on a connection it made
    /// to this daemon: offline now, pending requests failed, hello again
    /// once it is back.
    void on_bye();

    /// A request on the link, for the daemon's own messages (§12, §13).
    Link& link() { return link_; }

private:
    void tick();
    void say_hello();
    void ping();
    void heard();
    void set_state(PeerState state);

    Options options_;
    OnState on_state_;
    Link link_;
    boost::asio::steady_timer timer_;
    // While no connection is up, hello is retried sooner than the ping
    // interval, so that a peer is online within a few handshakes of being
    // reachable rather than a second later.
    boost::asio::steady_timer hello_retry_;
    /// Expires offline_after past the last message heard.
    boost::asio::steady_timer silence_;
    std::chrono::milliseconds hello_backoff_ {50}; // doubles up to the ping interval
    PeerState state_ = PeerState::offline;
    bool hello_pending_ = false;
    bool ping_pending_ = false;
    std::optional<Hello> hello_;
    std::string nonce_sent_;
    std::optional<int> version_;
    std::optional<double> rtt_ms_;
    std::optional<std::chrono::steady_clock::time_point> last_seen_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace rocd::p2p
