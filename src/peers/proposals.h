// What discovery proposes (docs/p2p.md §16): a uid, a key and an address,
// all unauthenticated. An announcement only ever makes rocd dial a key
// (§17.6); trust comes from pairing, liveness from the link (§8).
#pragma once

#include <cstddef>
#include <deque>
#include <set>
#include <string>

#include "core/uid.h"
#include "p2p/identity.h"

namespace rocd::peers {

class PeerNetwork;
class PeerService;

class Proposals {
public:
    Proposals(PeerService& peers, PeerNetwork& network) : peers_(peers), network_(network) {}

    /// `uid` announced `key` at `address` ("host:port"). Ignored for this
    /// daemon, a revoked key, a key bound to another uid and a stored uid
    /// bound to another key (§9.3: logged once); otherwise the key is
    /// dialed, unless its link is online or already at that address. An
    /// unknown key that answers becomes `discovered` (PeerService::on_link_state).
    void propose(const Uid& uid, const p2p::RawKey& key, const std::string& address);

    /// Keys dialed only because they were announced, kept at once; beyond,
    /// the oldest that never answered is hung up, so that a LAN announcing
    /// keys nobody holds cannot take every link (PeerNetwork::max_links).
    static constexpr std::size_t max_unanswered = 64;

private:
    void warn_once(const p2p::RawKey& key, const std::string& message);

    PeerService& peers_;
    PeerNetwork& network_;
    std::deque<p2p::RawKey> unanswered_;
    std::set<p2p::RawKey> warned_;
};

} // namespace rocd::peers
