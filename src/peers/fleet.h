// The fleet secret (docs/p2p.md §11), both sides: the side that dialed a
// peer proves the secret first once the hello exchange is done; the side
// that answers checks the proof against the nonce it just sent, trusts the
// prover and only then proves the secret back. Either side trusts the other
// on a valid proof, never a revoked key or a uid bound to another key.
#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>

#include "p2p/identity.h"
#include "p2p/listener.h"
#include "peers/peer_network.h"
#include "peers/peer_service.h"

namespace rocd::peers {

class Fleet {
public:
    struct Options {
        /// The `network_secret` (at least p2p::min_secret_length characters).
        std::string secret;
        /// How long the nonce of a hello_reply stays good for a proof (§11.2 rule 4).
        std::chrono::milliseconds nonce_lifetime {30'000};
        std::chrono::milliseconds request_timeout {5000};
    };

    Fleet(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network, const p2p::Identity& self,
          Options options);
    ~Fleet();

    /// The capability this daemon lists in its hellos while it has a secret.
    static constexpr std::string_view capability = "fleet";

    /// A `secret_proof` on the ROUTER, from any key that is not revoked.
    void on_proof(const p2p::Inbound& in);
    /// A link this daemon dialed changed state: once online, the peer is
    /// sent our proof if it speaks `fleet` and is not trusted yet.
    void on_link_state(const p2p::RawKey& key, PeerState state);

private:
    void prove(const p2p::RawKey& key);
    void refuse_once(const p2p::RawKey& key, const std::string& why);

    boost::asio::io_context& io_;
    PeerService& peers_;
    PeerNetwork& network_;
    const p2p::Identity& self_;
    Options options_;
    /// Keys with a proof on the way.
    std::set<p2p::RawKey> proving_;
    /// Keys that proved a wrong secret, or refused ours: not asked again
    /// until their link comes back (bounded like the links).
    std::set<p2p::RawKey> refused_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace rocd::peers
