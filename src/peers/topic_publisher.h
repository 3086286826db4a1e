// The publishing side of state synchronisation (docs/p2p.md §12.2, §12.4):
// trusted peers subscribe to one of this daemon's topics (`ports`,
// `streams`); each gets the snapshot, then every change as a one-way
// `delta` with the next sequence number, on the connection its latest
// subscribe came on. A delta that cannot be queued drops that subscription
// (never a skipped seq).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "p2p/listener.h"

namespace rocd::peers {

class TopicPublisher {
public:
    /// `topic`: "ports" or "streams"; `field`: what a delta calls its item
    /// ("port", "stream"); `snapshot`: every item, as the deltas show them.
    TopicPublisher(p2p::Listener& listener, std::string topic, std::string field,
                   std::function<nlohmann::json()> snapshot);

    const std::string& topic() const { return topic_; }

    /// subscribe and unsubscribe requests of trusted keys, for this topic.
    void on_request(const p2p::Inbound& in);
    /// A committed change of an item: "<field>_added", "<field>_updated" or
    /// "<field>_removed", and the item's JSON.
    void publish(const std::string& event, const nlohmann::json& item);
    /// Whether `key` is subscribed.
    bool subscribed(const p2p::RawKey& key) const { return subscribers_.contains(key); }

    std::uint64_t seq() const { return seq_; }
    std::size_t subscribers() const { return subscribers_.size(); }

private:
    p2p::Listener& listener_;
    std::string topic_;
    std::string field_;
    std::function<nlohmann::json()> snapshot_;
    std::uint64_t seq_ = 0;
    /// Per subscribed key, the routing id of its connection.
    std::map<p2p::RawKey, std::string> subscribers_;
};

/// A subscribe or unsubscribe request, served by the publisher of the topic
/// it names; another topic is refused (invalid_argument, listing ours).
void serve_subscription(p2p::Listener& listener, const p2p::Inbound& in,
                        std::initializer_list<TopicPublisher*> publishers);

/// What ping_reply says of a key's subscriptions (§8.1): {"ports": seq, ...}.
nlohmann::json subscriptions_of(const p2p::RawKey& key,
                                std::initializer_list<const TopicPublisher*> publishers);

} // namespace rocd::peers
