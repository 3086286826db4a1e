// The subscribing side of state synchronisation (docs/p2p.md §12.3): for
// each trusted peer online, a subscription to its `ports`, the snapshot
// kept as a mirror and every delta applied in order; a gap marks the
// mirror stale and subscribes again. GET /peers/{peer}/ports of a remote
// peer answers from here, also while that peer is offline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/listener_list.h"
#include "core/peer.h"
#include "core/port.h"
#include "p2p/message.h"
#include "peers/peer_network.h"

namespace rocd::peers {

struct MirroredPorts {
    std::vector<Port> ports;
    std::uint64_t seq = 0;
    /// When the last snapshot or delta was applied.
    std::chrono::system_clock::time_point synced_at;
    /// A gap or a lost connection: the data may be behind the peer's.
    bool stale = false;
};

class PortMirror {
public:
    /// A port of `peer` read back from its JSON, checked as this daemon's
    /// own input (api/representation's parse_port).
    using ParsePort = std::function<Result<Port>(const nlohmann::json&, const Uid& peer)>;

    PortMirror(boost::asio::io_context& io, PeerNetwork& network, ParsePort parse);
    ~PortMirror();

    /// A peer changed (PeerService's listener): a trusted peer online is
    /// followed, one offline or no longer trusted paused, a revoked one
    /// forgotten. `key`: its key (PeerService::key_of).
    void on_peer(const Peer& peer, const std::optional<p2p::RawKey>& key);
    /// A one-way message on the link to `peer`.
    void on_one_way(const Uid& peer, const p2p::Message& message);
    /// What `peer`'s ping_reply lists of our subscriptions (§8.1): a live
    /// mirror the peer no longer serves (it restarted within the silence
    /// that makes it offline) or serves from another seq subscribes again.
    void on_subscriptions(const Uid& peer, const nlohmann::json& subscriptions);

    const MirroredPorts* ports_of(const Uid& peer) const;
    /// Every mirror (for the event snapshot).
    std::vector<const MirroredPorts*> all() const;

    /// Told of every change a mirror takes in: "port_added", "port_updated"
    /// or "port_removed" and the port (a new snapshot is told as the
    /// differences from what the mirror held).
    using Listeners = ListenerList<std::string, Port>;
    Listeners::Id add_listener(Listeners::Listener listener) { return listeners_.add(std::move(listener)); }

private:
    /// Subscribes to `peer`'s ports on the link to `key`, unless a
    /// subscription is live or pending.
    void follow(const Uid& peer, const p2p::RawKey& key);
    /// The link went down, or the peer is no longer trusted: the data stays
    /// (marked stale) until it comes back; forget() drops it.
    void pause(const Uid& peer);
    void forget(const Uid& peer);
    struct Entry {
        p2p::RawKey key {};
        MirroredPorts data;
        bool pending = false;
        bool live = false;
        /// Followed (trusted and online): a failed subscribe is retried.
        bool followed = false;
        std::shared_ptr<boost::asio::steady_timer> retry;
    };
    void retry_later(const Uid& peer);
    void subscribe(const Uid& peer);
    std::optional<Port> read(const Uid& peer, const nlohmann::json& json) const;

    boost::asio::io_context& io_;
    PeerNetwork& network_;
    ParsePort parse_;
    void take_snapshot(Entry& entry, MirroredPorts data);
    std::map<Uid, Entry> entries_;
    Listeners listeners_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace rocd::peers
