// Peers: this daemon and (later) the rocd instances it knows.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/listener_list.h"
#include "core/peer.h"
#include "core/uri.h"
#include "store/peer_repository.h"

namespace rocd::peers {

/// Owns the rules for peers; the API layer only translates to and from JSON.
class PeerService {
public:
    /// `self_key`: this daemon's peer-protocol key, shown on its own peer.
    PeerService(store::PeerRepository& repository, Uid self_uid, PeerKey self_key);

    /// Called after every committed change of a peer (the daemon publishes
    /// it as an event).
    using Listeners = ListenerList<Peer>;
    Listeners::Id add_listener(Listeners::Listener listener) { return listeners_.add(std::move(listener)); }
    void remove_listener(Listeners::Id id) { listeners_.remove(id); }

    const Uid& self_uid() const { return self_uid_; }

    /// `self` or a known uid; Errc::not_found otherwise.
    Result<Peer> get(const PeerRef& peer);

    /// Every known peer, this daemon first.
    Result<std::vector<Peer>> list();

    /// Renames a peer (committed when it returns); the name is checked by
    /// core/display_name.h.
    Result<Peer> rename(const PeerRef& peer, const std::string& display_name);

private:
    const Uid& resolve(const PeerRef& peer) const { return peer.is_self() ? self_uid_ : peer.uid(); }
    /// What the store cannot know: this daemon's key lives in its own file.
    Peer complete(Peer peer) const;

    store::PeerRepository& repository_;
    Uid self_uid_;
    PeerKey self_key_;
    Listeners listeners_;
};

} // namespace rocd::peers
