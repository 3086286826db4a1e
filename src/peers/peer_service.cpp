#include "peers/peer_service.h"

#include "core/display_name.h"

#include <algorithm>

namespace rocd::peers {

PeerService::PeerService(store::PeerRepository& repository, Uid self_uid, PeerKey self_key)
    : repository_(repository), self_uid_(std::move(self_uid)), self_key_(std::move(self_key)) {}

Peer PeerService::complete(Peer peer) const {
    if (peer.uid == self_uid_) {
        peer.key = self_key_;
    }
    return peer;
}

Result<Peer> PeerService::get(const PeerRef& peer) {
    auto record = repository_.get(resolve(peer));
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
    std::stable_partition(peers.begin(), peers.end(), [](const Peer& p) { return p.is_self; });
    return peers;
}

Result<Peer> PeerService::rename(const PeerRef& peer, const std::string& display_name) {
    if (auto valid = check_display_name(display_name, "display_name"); !valid) {
        return tl::unexpected(valid.error());
    }
    auto record = repository_.update_display_name(resolve(peer), display_name);
    if (!record) {
        if (record.error().code == Errc::not_found) {
            return fail(Errc::not_found, "no peer " + peer.str());
        }
        return tl::unexpected(record.error());
    }
    const Peer renamed = complete(*record);
    listeners_.notify(renamed);
    return renamed;
}

} // namespace rocd::peers
