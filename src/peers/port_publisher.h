// The publishing side of state synchronisation (docs/p2p.md §12.2, §12.4):
// trusted peers subscribe to this daemon's `ports`; each gets the snapshot,
// then every change as a one-way `delta` with the next sequence number, on
// the connection its latest subscribe came on. A delta that cannot be
// queued drops that subscription (never a skipped seq).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "p2p/listener.h"

namespace rocd::peers {

class PortPublisher {
public:
    /// `snapshot`: every port as port_json, as GET /peers/self/ports shows them.
    PortPublisher(p2p::Listener& listener, std::function<nlohmann::json()> snapshot);

    /// subscribe and unsubscribe requests of trusted keys.
    void on_request(const p2p::Inbound& in);
    /// A committed change of a port: "port_added", "port_updated" or
    /// "port_removed", and the port's JSON.
    void publish(const std::string& event, const nlohmann::json& port);
    /// What ping_reply says of a key's subscriptions (§8.1): {"ports": seq}.
    nlohmann::json subscriptions_of(const p2p::RawKey& key) const;

    std::uint64_t seq() const { return seq_; }
    std::size_t subscribers() const { return subscribers_.size(); }

private:
    p2p::Listener& listener_;
    std::function<nlohmann::json()> snapshot_;
    std::uint64_t seq_ = 0;
    /// Per subscribed key, the routing id of its connection.
    std::map<p2p::RawKey, std::string> subscribers_;
};

} // namespace rocd::peers
