// The ROUTER every peer connects to (docs/p2p.md §4, §5.2, §6.1): it reads
// each frame with the CURVE key ZAP authenticated, answers what the
// protocol itself answers (a malformed request, an unknown type, hello,
// ping, the hello a key owes before anything else) and hands every other
// message to the daemon with its key; replies go back on the connection
// the request came on.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <zmq.hpp>

#include "core/error.h"
#include "p2p/hello.h"
#include "p2p/identity.h"
#include "p2p/message.h"
#include "p2p/zmq_channel.h"

namespace rocd::p2p {

/// A message from a peer: who sent it (the key, never the routing id) and
/// the connection to answer on.
struct Inbound {
    std::string routing_id;
    RawKey key;
    Message message;
    /// The IP address the connection comes from (libzmq's Peer-Address).
    std::string address;
};

/// What the daemon's budgets (docs/p2p.md §17.5) make of a message.
enum class Admission {
    pass,
    /// Dropped unanswered, before anything else is done with it.
    drop,
    /// A request answered `busy` (a one-way message passes).
    busy,
};

class Listener {
public:
    using Handler = std::function<void(const Inbound&)>;

    struct Options {
        /// "tcp://host:port"; port 0 picks one (port() says which).
        std::string endpoint;
        VersionRange versions;
        /// What this daemon says in its hello_reply (the nonce is made per hello).
        std::function<Hello()> self_hello;
        /// The ping_reply's subscriptions of a key (§8.1); none if unset.
        std::function<nlohmann::json(const RawKey&)> subscriptions;
        /// Whether a key may ping (§9.2); if unset, any key that said hello
        /// may. A ping of any other key goes to the handler.
        std::function<bool(const RawKey&)> may_ping;
        /// Asked first of every frame of a key, with the kind of message it
        /// holds (nullopt: not a message); if unset, everything passes.
        std::function<Admission(const RawKey&, std::optional<MessageKind>)> admit;
        /// Whether a key may say hello; if unset, any key may. A hello of any
        /// other key (revoked after it connected, §9.2) goes to the handler.
        std::function<bool(const RawKey&)> may_hello;
        /// Told of every hello answered (the hello is kept before).
        std::function<void(const Inbound&, const Hello&)> on_hello;
    };

    /// Binds the ROUTER (CURVE server with this daemon's key, ZAP domain
    /// "rocd", the options of §4.1); Errc::conflict if the address is taken.
    static Result<std::unique_ptr<Listener>> bind(boost::asio::io_context& io, zmq::context_t& context,
                                                  const Identity& self, Options options, Handler handler);

    /// Sends `message` on the connection `to` came on; false if it cannot be
    /// queued (that connection is gone, or its queue is full).
    bool reply(const Inbound& to, const Message& message);
    /// The same on the connection of `routing_id` (deltas of a subscription).
    bool send_to(const std::string& routing_id, const Message& message) { return send(routing_id, message); }

    std::uint16_t port() const { return port_; }
    /// The latest hello of a key since this listener started.
    const Hello* hello_of(const RawKey& key) const;
    /// The nonce (hex) of the latest hello_reply to `key`, if it was sent
    /// within `max_age` (a fleet proof must answer a fresh one, §11.2).
    std::optional<std::string> nonce_sent_to(const RawKey& key,
                                             std::chrono::steady_clock::duration max_age) const;
    /// Frames dropped or answered as malformed, and requests of unknown type.
    std::uint64_t malformed() const { return malformed_; }
    std::uint64_t unknown() const { return unknown_; }
    /// Frames dropped, and requests answered `busy`, by `admit`.
    std::uint64_t dropped() const { return dropped_; }
    std::uint64_t busy() const { return busy_; }

    /// Hellos kept at most (§9.4: unauthenticated input keeps bounded state).
    static constexpr std::size_t max_hellos = 256;

private:
    Listener(boost::asio::io_context& io, zmq::socket_t socket, Options options, Handler handler);
    void on_frames(Frames& frames);
    void on_hello(const Inbound& in);
    bool send(const std::string& routing_id, const Message& message);

    Options options_;
    Handler handler_;
    ZmqChannel channel_;
    std::uint16_t port_ = 0;
    std::map<RawKey, Hello> hellos_;
    struct SentNonce {
        std::string nonce;
        std::chrono::steady_clock::time_point at;
    };
    /// Kept for the keys of hellos_, and dropped with them.
    std::map<RawKey, SentNonce> sent_nonces_;
    std::deque<RawKey> hello_order_;
    std::uint64_t malformed_ = 0;
    std::uint64_t unknown_ = 0;
    std::uint64_t dropped_ = 0;
    std::uint64_t busy_ = 0;
};

} // namespace rocd::p2p
