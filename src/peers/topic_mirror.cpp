#include "peers/topic_mirror.h"

#include "core/port.h"
#include "peers/stream_mirror.h"

#include <algorithm>

#include <spdlog/spdlog.h>

namespace rocd::peers {

namespace {

/// A `seq` field: an integer from 0 up.
std::optional<std::uint64_t> seq_of(const nlohmann::json& body) {
    if (!body.contains("seq") || !body["seq"].is_number_integer() ||
        (!body["seq"].is_number_unsigned() && body["seq"].get<std::int64_t>() < 0)) {
        return std::nullopt;
    }
    return body["seq"].get<std::uint64_t>();
}

} // namespace

template <class Item>
TopicMirror<Item>::TopicMirror(boost::asio::io_context& io, PeerNetwork& network, std::string topic,
                               std::string field, Parse parse)
    : io_(io), network_(network), topic_(std::move(topic)), field_(std::move(field)),
      parse_(std::move(parse)) {}

template <class Item> TopicMirror<Item>::~TopicMirror() {
    *alive_ = false;
}

template <class Item> std::vector<const Mirrored<Item>*> TopicMirror<Item>::all() const {
    std::vector<const Mirrored<Item>*> out;
    for (const auto& [uid, entry] : entries_) {
        out.push_back(&entry.data);
    }
    return out;
}

template <class Item> void TopicMirror<Item>::take_snapshot(Entry& entry, Mirrored<Item> data) {
    auto find = [](const std::vector<Item>& items, const Uid& uid) {
        return std::find_if(items.begin(), items.end(), [&](const Item& i) { return i.uid == uid; });
    };
    const auto old = std::move(entry.data.items);
    entry.data = std::move(data);
    for (const auto& item : entry.data.items) {
        auto before = find(old, item.uid);
        if (before == old.end()) {
            notify("_added", item);
        } else if (!(*before == item)) {
            notify("_updated", item);
        }
    }
    for (const auto& item : old) {
        if (find(entry.data.items, item.uid) == entry.data.items.end()) {
            notify("_removed", item);
        }
    }
}

template <class Item> const Mirrored<Item>* TopicMirror<Item>::of(const Uid& peer) const {
    auto it = entries_.find(peer);
    return it == entries_.end() ? nullptr : &it->second.data;
}

template <class Item>
void TopicMirror<Item>::on_peer(const Peer& peer, const std::optional<p2p::RawKey>& key) {
    if (peer.is_self) {
        return;
    }
    if (peer.trust == PeerTrust::revoked) {
        forget(peer.uid);
    } else if (peer.trust == PeerTrust::trusted && peer.state == PeerState::online && key) {
        follow(peer.uid, *key);
    } else {
        pause(peer.uid);
    }
}

template <class Item> void TopicMirror<Item>::follow(const Uid& peer, const p2p::RawKey& key) {
    auto& entry = entries_[peer];
    if (entry.key != key) {
        entry = Entry {}; // another key: nothing of the old one counts
        entry.key = key;
    }
    entry.followed = true;
    if (!entry.live && !entry.pending) {
        subscribe(peer);
    }
}

template <class Item> void TopicMirror<Item>::pause(const Uid& peer) {
    if (auto it = entries_.find(peer); it != entries_.end()) {
        it->second.live = false;
        it->second.followed = false;
        it->second.data.stale = true;
    }
}

// A subscribe refused or unanswered (right after pairing the peer may not
// trust this daemon yet: it does once our acknowledgement arrives).
template <class Item> void TopicMirror<Item>::retry_later(const Uid& peer) {
    auto& entry = entries_.at(peer);
    entry.retry = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::seconds(1));
    entry.retry->async_wait([this, peer, alive = std::weak_ptr<bool>(alive_)](auto ec) {
        if (ec || !alive.lock()) {
            return;
        }
        auto it = entries_.find(peer);
        if (it != entries_.end() && it->second.followed && !it->second.live && !it->second.pending) {
            subscribe(peer);
        }
    });
}

template <class Item> void TopicMirror<Item>::forget(const Uid& peer) {
    auto it = entries_.find(peer);
    if (it == entries_.end()) {
        return;
    }
    const auto items = std::move(it->second.data.items);
    entries_.erase(it);
    for (const auto& item : items) {
        notify("_removed", item);
    }
}

template <class Item>
std::optional<Item> TopicMirror<Item>::read(const Uid& peer, const nlohmann::json& json) const {
    auto item = parse_(json, peer);
    if (!item) {
        spdlog::warn("peers: a {} of {} left out of its mirror: {}", field_, peer.str(),
                     item.error().message);
        return std::nullopt;
    }
    return std::move(*item);
}

template <class Item> void TopicMirror<Item>::subscribe(const Uid& peer) {
    auto& entry = entries_.at(peer);
    p2p::Link* link = network_.requester(entry.key);
    if (link == nullptr) {
        return; // followed again when the link is online
    }
    entry.pending = true;
    link->request("subscribe", {{"topic", topic_}}, std::chrono::milliseconds(5000),
                  [this, peer, key = entry.key, alive = std::weak_ptr<bool>(alive_)](p2p::Link::Reply reply) {
                      if (!alive.lock()) {
                          return;
                      }
                      auto it = entries_.find(peer);
                      if (it == entries_.end() || it->second.key != key) {
                          return;
                      }
                      Entry& entry = it->second;
                      entry.pending = false;
                      const auto& body = reply ? reply->body : nlohmann::json();
                      if (!reply || !seq_of(body) || !body.contains(topic_) || !body[topic_].is_array()) {
                          spdlog::debug("peers: cannot subscribe to the {} of {} yet: {}", topic_, peer.str(),
                                        reply ? "malformed snapshot" : reply.error().detail);
                          entry.data.stale = true;
                          retry_later(peer);
                          return;
                      }
                      Mirrored<Item> data;
                      data.seq = *seq_of(body);
                      for (const auto& json : body[topic_]) {
                          if (auto item = read(peer, json)) {
                              data.items.push_back(std::move(*item));
                          }
                      }
                      data.synced_at = std::chrono::system_clock::now();
                      entry.live = true;
                      take_snapshot(entry, std::move(data));
                  });
}

template <class Item>
void TopicMirror<Item>::on_subscriptions(const Uid& peer, const nlohmann::json& subscriptions) {
    auto it = entries_.find(peer);
    if (it == entries_.end() || !it->second.followed || it->second.pending || !it->second.live) {
        return;
    }
    Entry& entry = it->second;
    // Deltas and this reply share the connection, in order: every delta the
    // peer counted has arrived, so its seq is the mirror's or one was lost.
    auto held = subscriptions.find(topic_);
    if (held != subscriptions.end() && held->is_number_unsigned() &&
        held->get<std::uint64_t>() == entry.data.seq) {
        return;
    }
    spdlog::info("peers: {} no longer serves our subscription to its {} as we hold it (seq {}, it says {}); "
                 "subscribing again",
                 peer.str(), topic_, entry.data.seq, held != subscriptions.end() ? held->dump() : "none");
    entry.data.stale = true;
    entry.live = false;
    subscribe(peer);
}

template <class Item> void TopicMirror<Item>::on_one_way(const Uid& peer, const p2p::Message& message) {
    if (message.type != "delta") {
        return;
    }
    auto it = entries_.find(peer);
    if (it == entries_.end() || it->second.pending || !it->second.live) {
        return; // the snapshot on its way includes it
    }
    Entry& entry = it->second;
    const auto& body = message.body;
    const auto delta_seq = seq_of(body);
    if (!delta_seq || !body.contains(field_) || body.value("topic", std::string()) != topic_) {
        return;
    }
    const auto seq = *delta_seq;
    if (seq <= entry.data.seq) {
        return; // a duplicate, or older than the snapshot
    }
    if (seq != entry.data.seq + 1) {
        spdlog::info("peers: the {} of {} skipped from seq {} to {}; subscribing again", topic_, peer.str(),
                     entry.data.seq, seq);
        entry.data.stale = true;
        entry.live = false;
        subscribe(peer);
        return;
    }
    entry.data.seq = seq;
    entry.data.synced_at = std::chrono::system_clock::now();
    auto item = read(peer, body[field_]);
    if (!item) {
        return;
    }
    auto& items = entry.data.items;
    auto at = std::find_if(items.begin(), items.end(), [&](const Item& i) { return i.uid == item->uid; });
    if (body.value("event", std::string()) == field_ + "_removed") {
        if (at != items.end()) {
            items.erase(at);
            notify("_removed", *item);
        }
    } else if (at != items.end()) {
        *at = *item;
        notify("_updated", *item);
    } else {
        items.push_back(*item);
        notify("_added", *item);
    }
}

template class TopicMirror<Port>;
template class TopicMirror<RemoteHalf>;

} // namespace rocd::peers
