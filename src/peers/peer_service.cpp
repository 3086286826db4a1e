#include "peers/peer_service.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/display_name.h"
#include "peers/peer_network.h"

namespace rocd::peers {

namespace {

std::string fingerprint_of_z85(const std::string& public_key) {
    auto raw = p2p::key_of_z85(public_key);
    return raw ? p2p::fingerprint_of(*raw) : "";
}

} // namespace

PeerService::PeerService(store::PeerRepository& repository, Uid self_uid, PeerKey self_key)
    : repository_(repository), stored_keys_(repository), self_uid_(std::move(self_uid)),
      self_key_(std::move(self_key)) {}

Peer PeerService::complete(Peer peer) const {
    if (peer.uid == self_uid_) {
        peer.key = self_key_;
        peer.addresses = self_addresses_;
        return peer;
    }
    if (peer.key && peer.key->fingerprint.empty()) {
        peer.key->fingerprint = fingerprint_of_z85(peer.key->public_key);
    }
    auto state = states_.find(peer.uid);
    peer.state = state == states_.end() ? PeerState::offline : state->second;
    if (pairing_.contains(peer.uid)) {
        peer.trust = PeerTrust::pairing;
    }
    if (auto version = versions_.find(peer.uid); version != versions_.end()) {
        peer.daemon_version = version->second;
    }
    if (network_ != nullptr && peer.key && peer.state == PeerState::online) {
        if (auto key = p2p::key_of_z85(peer.key->public_key)) {
            if (const auto* link = network_->link(*key)) {
                peer.rtt_ms = link->rtt_ms();
            }
        }
    }
    return peer;
}

Result<Peer> PeerService::get(const PeerRef& peer) {
    const Uid& uid = resolve(peer);
    if (auto it = discovered_.find(uid); it != discovered_.end()) {
        return complete(it->second);
    }
    auto record = repository_.get(uid);
    if (!record) {
        if (record.error().code == Errc::not_found) {
            return fail(Errc::not_found, "no peer " + peer.str());
        }
        return tl::unexpected(record.error());
    }
    return complete(*record);
}

Result<std::vector<Peer>> PeerService::list() {
    auto records = repository_.list();
    if (!records) {
        return tl::unexpected(records.error());
    }
    std::vector<Peer> peers;
    for (const auto& record : *records) {
        peers.push_back(complete(record));
    }
    for (const Uid& uid : discovered_order_) {
        peers.push_back(complete(discovered_.at(uid)));
    }
    std::stable_partition(peers.begin(), peers.end(), [](const Peer& p) { return p.is_self; });
    return peers;
}

Result<Peer> PeerService::rename(const PeerRef& peer, const std::string& display_name) {
    if (auto valid = check_display_name(display_name, "display_name"); !valid) {
        return tl::unexpected(valid.error());
    }
    if (auto it = discovered_.find(resolve(peer)); it != discovered_.end()) {
        it->second.display_name = display_name;
        const Peer renamed = complete(it->second);
        listeners_.notify(Change::updated, renamed);
        return renamed;
    }
    auto record = repository_.update_display_name(resolve(peer), display_name);
    if (!record) {
        if (record.error().code == Errc::not_found) {
            return fail(Errc::not_found, "no peer " + peer.str());
        }
        return tl::unexpected(record.error());
    }
    const Peer renamed = complete(*record);
    listeners_.notify(Change::updated, renamed);
    return renamed;
}

void PeerService::attach(PeerNetwork* network, std::vector<std::string> addresses) {
    network_ = network;
    self_addresses_ = std::move(addresses);
    if (network_ == nullptr) {
        return;
    }
    auto records = repository_.list();
    if (!records) {
        spdlog::error("peers: cannot read the stored peers: {}", records.error().message);
        return;
    }
    for (const auto& record : *records) {
        if (record.trust != PeerTrust::trusted || !record.key || record.addresses.empty()) {
            continue;
        }
        if (auto key = p2p::key_of_z85(record.key->public_key)) {
            network_->dial(*key, "tcp://" + record.addresses.front());
        }
    }
}

std::optional<Uid> PeerService::uid_of(const std::string& public_key) {
    for (const auto& [uid, peer] : discovered_) {
        if (peer.key && peer.key->public_key == public_key) {
            return uid;
        }
    }
    if (auto stored = stored_keys_.find(public_key)) {
        return stored->uid;
    }
    return std::nullopt;
}

std::optional<PeerTrust> PeerService::trust_of(const p2p::RawKey& key) {
    const std::string z85 = p2p::z85_of(key);
    if (auto stored = stored_keys_.find(z85)) {
        return pairing_.contains(stored->uid) ? PeerTrust::pairing : stored->trust;
    }
    for (const auto& [uid, peer] : discovered_) {
        if (peer.key && peer.key->public_key == z85) {
            return pairing_.contains(uid) ? PeerTrust::pairing : peer.trust;
        }
    }
    return std::nullopt;
}

std::optional<p2p::RawKey> PeerService::key_of(const Uid& uid) {
    auto peer = get(PeerRef::of(uid));
    if (!peer || peer->is_self || !peer->key) {
        return std::nullopt;
    }
    auto key = p2p::key_of_z85(peer->key->public_key);
    return key ? std::optional<p2p::RawKey>(*key) : std::nullopt;
}

void PeerService::set_pairing(const Uid& uid, bool open) {
    if (open ? !pairing_.insert(uid).second : pairing_.erase(uid) == 0) {
        return;
    }
    if (auto peer = get(PeerRef::of(uid))) {
        listeners_.notify(Change::updated, *peer);
    }
}

Result<store::PeerRecord> PeerService::store_as(const Peer& peer, PeerTrust trust) {
    store::PeerRecord record {peer};
    record.key->fingerprint.clear(); // derived, not stored
    record.trust = trust;
    record.state.reset();
    record.daemon_version.reset();
    auto stored = repository_.put(record);
    if (!stored) {
        return tl::unexpected(stored.error());
    }
    // Stored now: no longer discovered (memory) nor pairing.
    if (discovered_.erase(peer.uid) > 0) {
        std::erase(discovered_order_, peer.uid);
    }
    pairing_.erase(peer.uid);
    return stored;
}

Result<Peer> PeerService::trust(const Uid& uid) {
    auto peer = get(PeerRef::of(uid));
    if (!peer) {
        return tl::unexpected(peer.error());
    }
    if (peer->is_self || !peer->key) {
        return fail(Errc::invalid_argument, "peer " + uid.str() + " has no key to trust", "peer");
    }
    auto stored = store_as(*peer, PeerTrust::trusted);
    if (!stored) {
        return tl::unexpected(stored.error());
    }
    spdlog::info("peer {} ({}) trusted, key fingerprint {}", uid.str(), stored->display_name,
                 fingerprint_of_z85(stored->key->public_key));
    const Peer trusted = complete(*stored);
    listeners_.notify(Change::updated, trusted);
    return trusted;
}

Result<Peer> PeerService::revoke(const PeerRef& ref) {
    if (ref.is_self() || ref.uid() == self_uid_) {
        return fail(Errc::invalid_argument, "this daemon cannot revoke itself", "peer");
    }
    auto peer = get(ref);
    if (!peer) {
        return tl::unexpected(peer.error());
    }
    if (!peer->key) {
        return fail(Errc::conflict, "peer " + ref.str() + " has no known key to revoke", "peer");
    }
    auto stored = store_as(*peer, PeerTrust::revoked);
    if (!stored) {
        return tl::unexpected(stored.error());
    }
    if (auto key = p2p::key_of_z85(stored->key->public_key); key && network_ != nullptr) {
        network_->hang_up(*key, "revoked");
    }
    states_.erase(peer->uid);
    mismatched_.erase(peer->uid);
    spdlog::info("peer {} ({}) revoked", peer->uid.str(), stored->display_name);
    const Peer revoked = complete(*stored);
    listeners_.notify(Change::updated, revoked);
    return revoked;
}

void PeerService::on_link_state(const p2p::RawKey& key, PeerState state) {
    const p2p::PeerLink* link = network_ ? network_->link(key) : nullptr;
    if (state == PeerState::online && link != nullptr && link->hello()) {
        // The peer's own words, now that it answered our hello.
        const std::string endpoint = network_->endpoint_of(key);
        learn(key, *link->hello(), endpoint.substr(endpoint.find("://") + 3));
    }
    auto uid = uid_of(p2p::z85_of(key));
    if (!uid) {
        return;
    }
    if (state == PeerState::online) {
        mismatched_.erase(*uid); // authenticated contact with the bound key (§9.3)
    } else if (mismatched_.contains(*uid)) {
        state = PeerState::key_mismatch; // what the operator must see until the bound key is back
    }
    auto& known = states_[*uid];
    if (known == state) {
        return;
    }
    known = state;
    if (auto peer = get(PeerRef::of(*uid))) {
        spdlog::info("peer {} ({}) {}", peer->uid.str(), peer->display_name, to_string(state));
        listeners_.notify(Change::updated, *peer);
    }
}

Status PeerService::add_static(const std::string& address, const std::string& public_key) {
    // host:port, [IPv6]:port; the port 1 to 65535.
    const auto colon = address.rfind(':');
    const std::string port = colon == std::string::npos ? "" : address.substr(colon + 1);
    const bool digits =
        !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
    if (colon == std::string::npos || colon == 0 || !digits || std::stoi(port) < 1 ||
        std::stoi(port) > 65535 || address.find_first_of(" /\t\r\n") != std::string::npos) {
        return fail(Errc::invalid_argument, "address must be host:port (port 1 to 65535): " + address,
                    "address");
    }
    auto key = p2p::key_of_z85(public_key);
    if (!key) {
        return fail(Errc::invalid_argument, "not a peer key (40 characters of Z85): " + public_key,
                    "public_key");
    }
    if (network_ == nullptr) {
        return fail(Errc::unsupported, "the peer protocol is off (p2p_listen: off)", "address");
    }
    network_->dial(*key, "tcp://" + address);
    return {};
}

Result<Peer> PeerService::trust_without_pairing(const p2p::RawKey& key, const std::string& why) {
    const auto trust = trust_of(key);
    const auto uid = peer_of(key);
    if (!trust || !uid) {
        return fail(Errc::not_found, "no known peer has key " + p2p::fingerprint_of(key), "peer");
    }
    if (*trust == PeerTrust::revoked) {
        return fail(Errc::conflict, "peer " + uid->str() + " is revoked; only pairing trusts it again",
                    "peer");
    }
    if (*trust == PeerTrust::trusted) {
        return get(PeerRef::of(*uid));
    }
    if (auto stored = repository_.get(*uid);
        stored && (!stored->key || stored->key->public_key != p2p::z85_of(key))) {
        return fail(Errc::conflict, "peer " + uid->str() + " is bound to another key", "peer");
    }
    spdlog::warn("peers: trusting {} (key fingerprint {}) without pairing: {}", uid->str(),
                 p2p::fingerprint_of(key), why);
    return this->trust(*uid);
}

void PeerService::warn_once(const std::string& public_key, const std::string& message) {
    if (warned_.size() >= max_discovered) {
        warned_.clear();
    }
    if (warned_.insert(public_key).second) {
        spdlog::warn("{}", message);
    }
}

} // namespace rocd::peers
