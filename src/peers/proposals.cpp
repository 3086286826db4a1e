#include "peers/proposals.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "peers/peer_network.h"
#include "peers/peer_service.h"

namespace rocd::peers {

void Proposals::propose(const Uid& uid, const p2p::RawKey& key, const std::string& address) {
    if (uid == peers_.self_uid()) {
        return;
    }
    if (auto trust = peers_.trust_of(key); trust == PeerTrust::revoked) {
        return; // §17.2: it could not connect anyway
    }
    if (auto bound = peers_.peer_of(key); bound && *bound != uid) {
        warn_once(key, "peers: DNS-SD announces key " + p2p::fingerprint_of(key) + " of " + bound->str() +
                           " as " + uid.str() + "; ignored");
        return;
    }
    if (auto known = peers_.get(PeerRef::of(uid)); known && known->key && known->trust &&
                                                   *known->trust != PeerTrust::discovered &&
                                                   known->key->public_key != p2p::z85_of(key)) {
        // §9.3: unauthenticated discovery must not stop the bound key's connection.
        warn_once(key, "peers: DNS-SD announces " + uid.str() + " (" + known->display_name +
                           ") with another key, fingerprint " + p2p::fingerprint_of(key) + "; ignored");
        return;
    }
    const std::string endpoint = "tcp://" + address;
    if (const auto* link = network_.link(key)) {
        // A link reconnects by itself; only one that is not online moves to
        // where the peer now says it is (a new DHCP lease, another interface).
        if (link->state() == PeerState::online || network_.endpoint_of(key) == endpoint) {
            return;
        }
    } else if (!peers_.peer_of(key)) {
        std::erase(unanswered_, key);
        unanswered_.push_back(key);
        if (unanswered_.size() > max_unanswered) {
            const p2p::RawKey oldest = unanswered_.front();
            unanswered_.pop_front();
            if (!peers_.peer_of(oldest)) {
                network_.hang_up(oldest);
            }
        }
    }
    spdlog::debug("peers: DNS-SD proposes {} at {}, key fingerprint {}", uid.str(), address,
                  p2p::fingerprint_of(key));
    network_.dial(key, endpoint);
}

void Proposals::warn_once(const p2p::RawKey& key, const std::string& message) {
    if (warned_.size() >= PeerService::max_discovered) {
        warned_.clear();
    }
    if (warned_.insert(key).second) {
        spdlog::warn("{}", message);
    }
}

} // namespace rocd::peers
