#include "peers/peer_service.h"

#include "core/display_name.h"

#include <algorithm>

namespace rocd::peers {

PeerService::PeerService(store::PeerRepository& repository, Uid self_uid)
    : repository_(repository), self_uid_(std::move(self_uid)) {}

Result<Peer> PeerService::get(const PeerRef& peer) {
    auto record = repository_.get(resolve(peer));
    if (!record) {
        if (record.error().code == Errc::not_found) {
            return fail(Errc::not_found, "no peer " + peer.str());
        }
        return tl::unexpected(record.error());
    }
    return Peer {*record};
}

Result<std::vector<Peer>> PeerService::list() {
    auto records = repository_.list();
    if (!records) {
        return tl::unexpected(records.error());
    }
    std::vector<Peer> peers(records->begin(), records->end());
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
    const Peer renamed = *record;
    listeners_.notify(renamed);
    return renamed;
}

} // namespace rocd::peers
