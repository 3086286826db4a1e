// The peer protocol's sockets of this daemon (docs/p2p.md §4): one ZeroMQ
// context on the control plane, its ZAP handler deciding from the trust the
// daemon knows, the ROUTER peers connect to, and a PeerLink to each peer
// this daemon dials. It knows keys, not peers: what a key is, and what to
// do with what it says, is the peer service's (wired in src/daemon/).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <zmq.hpp>

#include "core/error.h"
#include "core/log_limit.h"
#include "core/peer.h"
#include "p2p/identity.h"
#include "p2p/listener.h"
#include "p2p/peer_link.h"
#include "p2p/zap_handler.h"
#include "peers/inbound_budget.h"

namespace rocd::peers {

class PeerNetwork {
public:
    struct Options {
        /// §17.5's budgets.
        InboundBudget::Limits limits;
        /// "tcp://host:port" of the ROUTER; port 0 picks one.
        std::string endpoint;
        p2p::VersionRange versions;
        /// What this daemon says of itself in hellos (nonce and versions are added).
        std::function<p2p::Hello()> self_hello;
        std::chrono::milliseconds ping_interval {1000};
        std::chrono::milliseconds offline_after {3000};
    };
    /// What the network asks and tells the daemon, all on the control plane.
    struct Events {
        /// The trust of a key; nullopt for a key never seen.
        std::function<std::optional<PeerTrust>(const p2p::RawKey&)> trust_of;
        /// A hello answered on the ROUTER; `address` is the connection's
        /// IP address.
        std::function<void(const p2p::RawKey&, const p2p::Hello&, const std::string& address)> on_hello;
        /// A dialed peer's link changed state (online once its hello was
        /// answered, offline after 3 s of silence, incompatible).
        std::function<void(const p2p::RawKey&, PeerState)> on_link_state;
        /// A request or one-way message of a trusted key that the protocol
        /// itself does not answer; answer with listener().reply().
        std::function<void(const p2p::Inbound&)> on_message;
        /// A one-way message on the link this daemon dialed to a key (the
        /// deltas of its subscriptions, §12).
        std::function<void(const p2p::RawKey&, const p2p::Message&)> on_one_way;
        /// What a ping_reply lists of a key's subscriptions (§8.1).
        std::function<nlohmann::json(const p2p::RawKey&)> subscriptions;
        /// What a dialed peer's ping_reply listed of ours.
        std::function<void(const p2p::RawKey&, const nlohmann::json&)> on_ping_reply;
    };

    /// Binds the ROUTER; Errc::conflict if the address is in use.
    static Result<std::unique_ptr<PeerNetwork>> start(boost::asio::io_context& io, const p2p::Identity& self,
                                                      Options options, Events events);
    ~PeerNetwork();

    /// The ROUTER's port.
    std::uint16_t port() const { return listener_->port(); }
    p2p::Listener& listener() { return *listener_; }
    const InboundBudget& budget() const { return budget_; }

    /// Dials `key` at `endpoint` ("tcp://host:port") and keeps a link to it
    /// (hello, pings, reconnection); a link to that key elsewhere is
    /// replaced, one to the same endpoint kept.
    void dial(const p2p::RawKey& key, const std::string& endpoint);
    /// Closes the link to `key`, if any, saying `bye` first if a reason is
    /// given ("revoked"; §8.3).
    void hang_up(const p2p::RawKey& key, std::optional<std::string_view> bye = std::nullopt);
    /// Every link says hello again: this daemon's hello fields changed (its
    /// display name; docs/p2p.md §6.1).
    void say_hello_again();
    /// The link to `key`, if this daemon dials it.
    const p2p::PeerLink* link(const p2p::RawKey& key) const;
    p2p::PeerLink* link(const p2p::RawKey& key);
    /// Requests to `key` on this daemon's link, while it is online.
    p2p::Link* requester(const p2p::RawKey& key);
    /// Where `key` is dialed ("tcp://host:port"), "" if it is not.
    std::string endpoint_of(const p2p::RawKey& key) const;

    /// Links kept at most (discovered peers are bounded the same way, §9.4).
    static constexpr std::size_t max_links = 256;

private:
    PeerNetwork(boost::asio::io_context& io, const p2p::Identity& self, Options options, Events events);
    void on_inbound(const p2p::Inbound& in);
    /// §17.5's budgets for a frame of `key`.
    p2p::Admission admit(const p2p::RawKey& key, std::optional<p2p::MessageKind> kind);
    /// One line now and then says what went over budget.
    void log_budget(const char* what);

    struct Dialed {
        std::string endpoint;
        std::unique_ptr<p2p::PeerLink> link;
    };

    boost::asio::io_context& io_;
    const p2p::Identity& self_;
    Options options_;
    Events events_;
    zmq::context_t context_;
    std::unique_ptr<p2p::ZapHandler> zap_;
    std::unique_ptr<p2p::Listener> listener_;
    std::map<p2p::RawKey, Dialed> links_;
    InboundBudget budget_;
    LogLimit budget_log_ {1, std::chrono::seconds(10)};
};

} // namespace rocd::peers
