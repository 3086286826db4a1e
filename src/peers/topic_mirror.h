// The subscribing side of state synchronisation (docs/p2p.md §12.3): for
// each trusted peer online, a subscription to one of its topics (`ports`,
// `streams`), the snapshot kept as a mirror and every delta applied in
// order; a gap marks the mirror stale and subscribes again. What this
// daemon shows of another peer's ports or stream halves comes from here,
// also while that peer is offline.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/listener_list.h"
#include "core/peer.h"
#include "p2p/message.h"
#include "peers/peer_network.h"

namespace rocd::peers {

template <class Item> struct Mirrored {
    std::vector<Item> items;
    std::uint64_t seq = 0;
    /// When the last snapshot or delta was applied.
    std::chrono::system_clock::time_point synced_at;
    /// A gap or a lost connection: the data may be behind the peer's.
    bool stale = false;
};

/// `Item` has a `uid` and `==`: a Port, or a RemoteHalf.
template <class Item> class TopicMirror {
public:
    /// An item of `peer` read back from its JSON, checked as this daemon's
    /// own input.
    using Parse = std::function<Result<Item>(const nlohmann::json&, const Uid& peer)>;

    /// `topic`: "ports" or "streams"; `field`: what a delta calls its item
    /// ("port", "stream"), also the stem of the events ("port_added").
    TopicMirror(boost::asio::io_context& io, PeerNetwork& network, std::string topic, std::string field,
                Parse parse);
    ~TopicMirror();

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

    const Mirrored<Item>* of(const Uid& peer) const;
    /// Every mirror (for the event snapshot).
    std::vector<const Mirrored<Item>*> all() const;

    /// Told of every change a mirror takes in: "<field>_added",
    /// "<field>_updated" or "<field>_removed" and the item (a new snapshot
    /// is told as the differences from what the mirror held).
    using Listeners = ListenerList<std::string, Item>;
    typename Listeners::Id add_listener(typename Listeners::Listener listener) {
        return listeners_.add(std::move(listener));
    }

private:
    struct Entry {
        p2p::RawKey key {};
        Mirrored<Item> data;
        bool pending = false;
        bool live = false;
        /// Followed (trusted and online): a failed subscribe is retried.
        bool followed = false;
        std::shared_ptr<boost::asio::steady_timer> retry;
    };
    /// Subscribes to `peer`'s topic on the link to `key`, unless a
    /// subscription is live or pending.
    void follow(const Uid& peer, const p2p::RawKey& key);
    /// The link went down, or the peer is no longer trusted: the data stays
    /// (marked stale) until it comes back; forget() drops it.
    void pause(const Uid& peer);
    void forget(const Uid& peer);
    void retry_later(const Uid& peer);
    void subscribe(const Uid& peer);
    void take_snapshot(Entry& entry, Mirrored<Item> data);
    std::optional<Item> read(const Uid& peer, const nlohmann::json& json) const;
    void notify(const char* what, const Item& item) { listeners_.notify(field_ + what, item); }

    boost::asio::io_context& io_;
    PeerNetwork& network_;
    std::string topic_;
    std::string field_;
    Parse parse_;
    std::map<Uid, Entry> entries_;
    Listeners listeners_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace rocd::peers
