// What the peer service learns from hellos (docs/p2p.md §6, §9): a new key
// is a discovered peer, a trusted one's addresses, version and display name
// are kept up to date, and a stored uid that answers with another key is
// never trusted silently.
#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/display_name.h"
#include "peers/peer_network.h"
#include "peers/peer_service.h"

namespace rocd::peers {

namespace {

/// "host:port", with brackets around an IPv6 host.
std::string host_port(const std::string& host, int port) {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

/// Most recently used first, each once, a few at most.
void remember(std::vector<std::string>& addresses, const std::string& address) {
    std::erase(addresses, address);
    addresses.insert(addresses.begin(), address);
    if (addresses.size() > 4) {
        addresses.resize(4);
    }
}

} // namespace

void PeerService::on_hello(const p2p::RawKey& key, const p2p::Hello& hello, const std::string& address) {
    if (address.empty() || hello.p2p_port <= 0 || hello.p2p_port > 65535) {
        return; // nothing to dial back
    }
    learn(key, hello, host_port(address, hello.p2p_port));
}

void PeerService::learn(const p2p::RawKey& key, const p2p::Hello& hello, const std::string& address) {
    if (hello.peer_uid == self_uid_) {
        return; // this daemon, reached through one of its own addresses
    }
    const std::string z85 = p2p::z85_of(key);
    const std::string endpoint = "tcp://" + address;
    auto stored = repository_.get(hello.peer_uid);
    if (!stored || (stored->key && stored->key->public_key == z85)) {
        if (versions_.size() >= 2 * max_discovered) {
            versions_.clear();
        }
        versions_[hello.peer_uid] = hello.daemon_version;
    }
    if (stored) {
        if (!stored->key || stored->key->public_key != z85) {
            // §9.3: never re-trusted silently.
            warn_once(z85, "peers: " + hello.peer_uid.str() + " (" + hello.display_name +
                               ") answered with another key, fingerprint " + p2p::fingerprint_of(key) +
                               "; revoke it and pair again if it really changed");
            if (mismatched_.size() < max_discovered) {
                mismatched_.insert(stored->uid);
            }
            if (states_[stored->uid] != PeerState::online) {
                states_[stored->uid] = PeerState::key_mismatch;
                listeners_.notify(Change::updated, complete(*stored));
            }
            return;
        }
        if (stored->trust != PeerTrust::trusted) {
            return;
        }
        store::PeerRecord record = *stored;
        remember(record.addresses, address);
        record.last_seen = std::chrono::system_clock::now();
        if (auto& announced = announced_[record.uid]; announced != hello.display_name) {
            // The peer renamed itself (or this is its first hello since this
            // daemon started): its own name wins, if it is one this daemon
            // would take.
            announced = hello.display_name;
            if (check_display_name(hello.display_name, "display_name")) {
                record.display_name = hello.display_name;
            }
        }
        record.protocol_version = hello.versions.max;
        if (auto link = network_ ? network_->link(key) : nullptr; link && link->version()) {
            record.protocol_version = *link->version();
        }
        if (auto saved = repository_.put(record); !saved) {
            spdlog::warn("peers: cannot store what {} said: {}", record.uid.str(), saved.error().message);
        }
        mismatched_.erase(record.uid); // §9.3: contact with the bound key clears it
        if (states_[record.uid] == PeerState::key_mismatch) {
            states_[record.uid] = PeerState::online;
        }
        if (network_ != nullptr) {
            network_->dial(key, endpoint);
        }
        listeners_.notify(Change::updated, complete(record));
        return;
    }
    if (auto bound = stored_keys_.find(z85)) {
        warn_once(z85, "peers: key " + p2p::fingerprint_of(key) + " of " + bound->uid.str() +
                           " now claims to be " + hello.peer_uid.str() + "; ignored");
        return;
    }
    Peer peer {hello.peer_uid, hello.display_name};
    peer.trust = PeerTrust::discovered;
    if (auto it = discovered_.find(hello.peer_uid); it != discovered_.end()) {
        if (it->second.key && it->second.key->public_key != z85) {
            // Unauthenticated either way: the latest contact wins, as after a reinstall.
            states_.erase(hello.peer_uid);
        }
        peer = it->second;
    }
    if (!discovered_.contains(hello.peer_uid)) {
        spdlog::info("peer {} ({}) discovered at {}, key fingerprint {}", hello.peer_uid.str(),
                     hello.display_name, address, p2p::fingerprint_of(key));
    }
    peer.key = PeerKey {z85, p2p::fingerprint_of(key)};
    remember(peer.addresses, address);
    peer.last_seen = std::chrono::system_clock::now();
    peer.protocol_version = hello.versions.max;
    const bool added = discovered(std::move(peer));
    if (network_ != nullptr) {
        network_->dial(key, endpoint); // §17.6: contact only makes rocd dial a key
    }
    listeners_.notify(added ? Change::added : Change::updated, complete(discovered_.at(hello.peer_uid)));
    if (trust_on_first_use_) {
        if (auto trusted = trust_without_pairing(key, "trust_on_first_use is on"); !trusted) {
            spdlog::warn("peers: trust on first use of {}: {}", hello.peer_uid.str(),
                         trusted.error().message);
        }
    }
}

bool PeerService::discovered(Peer peer) {
    const Uid uid = peer.uid;
    const bool added = !discovered_.contains(uid);
    if (added) {
        if (discovered_.size() >= max_discovered) {
            const Uid oldest = discovered_order_.front();
            discovered_order_.pop_front();
            if (auto key = discovered_.at(oldest).key; key && network_ != nullptr) {
                if (auto raw = p2p::key_of_z85(key->public_key)) {
                    network_->hang_up(*raw);
                }
            }
            const Peer gone = complete(discovered_.at(oldest));
            discovered_.erase(oldest);
            states_.erase(oldest);
            versions_.erase(oldest);
            listeners_.notify(Change::removed, gone);
        }
        discovered_order_.push_back(uid);
    }
    discovered_.insert_or_assign(uid, std::move(peer));
    return added;
}

} // namespace rocd::peers
