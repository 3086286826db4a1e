#include "peers/port_mirror.h"

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

PortMirror::PortMirror(boost::asio::io_context& io, PeerNetwork& network, ParsePort parse)
    : io_(io), network_(network), parse_(std::move(parse)) {}

PortMirror::~PortMirror() {
    *alive_ = false;
}

std::vector<const MirroredPorts*> PortMirror::all() const {
    std::vector<const MirroredPorts*> out;
    for (const auto& [uid, entry] : entries_) {
        out.push_back(&entry.data);
    }
    return out;
}

void PortMirror::take_snapshot(Entry& entry, MirroredPorts data) {
    auto find = [](const std::vector<Port>& ports, const Uid& uid) {
        return std::find_if(ports.begin(), ports.end(), [&](const Port& p) { return p.uid == uid; });
    };
    const auto old = std::move(entry.data.ports);
    entry.data = std::move(data);
    for (const auto& port : entry.data.ports) {
        auto before = find(old, port.uid);
        if (before == old.end()) {
            listeners_.notify("port_added", port);
        } else if (!(*before == port)) {
            listeners_.notify("port_updated", port);
        }
    }
    for (const auto& port : old) {
        if (find(entry.data.ports, port.uid) == entry.data.ports.end()) {
            listeners_.notify("port_removed", port);
        }
    }
}

const MirroredPorts* PortMirror::ports_of(const Uid& peer) const {
    auto it = entries_.find(peer);
    return it == entries_.end() ? nullptr : &it->second.data;
}

void PortMirror::on_peer(const Peer& peer, const std::optional<p2p::RawKey>& key) {
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

void PortMirror::follow(const Uid& peer, const p2p::RawKey& key) {
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

void PortMirror::pause(const Uid& peer) {
    if (auto it = entries_.find(peer); it != entries_.end()) {
        it->second.live = false;
        it->second.followed = false;
        it->second.data.stale = true;
    }
}

// A subscribe refused or unanswered (right after pairing the peer may not
// trust this daemon yet: it does once our acknowledgement arrives).
void PortMirror::retry_later(const Uid& peer) {
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

void PortMirror::forget(const Uid& peer) {
    auto it = entries_.find(peer);
    if (it == entries_.end()) {
        return;
    }
    const auto ports = std::move(it->second.data.ports);
    entries_.erase(it);
    for (const auto& port : ports) {
        listeners_.notify("port_removed", port);
    }
}

std::optional<Port> PortMirror::read(const Uid& peer, const nlohmann::json& json) const {
    auto port = parse_(json, peer);
    if (!port) {
        spdlog::warn("peers: a port of {} left out of its mirror: {}", peer.str(), port.error().message);
        return std::nullopt;
    }
    return *port;
}

void PortMirror::subscribe(const Uid& peer) {
    auto& entry = entries_.at(peer);
    p2p::Link* link = network_.requester(entry.key);
    if (link == nullptr) {
        return; // followed again when the link is online
    }
    entry.pending = true;
    link->request("subscribe", {{"topic", "ports"}}, std::chrono::milliseconds(5000),
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
                      if (!reply || !seq_of(body) || !body.contains("ports") || !body["ports"].is_array()) {
                          spdlog::debug("peers: cannot subscribe to the ports of {} yet: {}", peer.str(),
                                        reply ? "malformed snapshot" : reply.error().detail);
                          entry.data.stale = true;
                          retry_later(peer);
                          return;
                      }
                      MirroredPorts data;
                      data.seq = *seq_of(body);
                      for (const auto& json : body["ports"]) {
                          if (auto port = read(peer, json)) {
                              data.ports.push_back(std::move(*port));
                          }
                      }
                      data.synced_at = std::chrono::system_clock::now();
                      entry.live = true;
                      take_snapshot(entry, std::move(data));
                  });
}

void PortMirror::on_subscriptions(const Uid& peer, const nlohmann::json& subscriptions) {
    auto it = entries_.find(peer);
    if (it == entries_.end() || !it->second.followed || it->second.pending || !it->second.live) {
        return;
    }
    Entry& entry = it->second;
    // Deltas and this reply share the connection, in order: every delta the
    // peer counted has arrived, so its seq is the mirror's or one was lost.
    auto held = subscriptions.find("ports");
    if (held != subscriptions.end() && held->is_number_unsigned() &&
        held->get<std::uint64_t>() == entry.data.seq) {
        return;
    }
    spdlog::info(
        "peers: {} no longer serves our subscription to its ports as we hold it (seq {}, it says {}); "
        "subscribing again",
        peer.str(), entry.data.seq, held != subscriptions.end() ? held->dump() : "none");
    entry.data.stale = true;
    entry.live = false;
    subscribe(peer);
}

void PortMirror::on_one_way(const Uid& peer, const p2p::Message& message) {
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
    if (!delta_seq || !body.contains("port")) {
        return;
    }
    const auto seq = *delta_seq;
    if (seq <= entry.data.seq) {
        return; // a duplicate, or older than the snapshot
    }
    if (seq != entry.data.seq + 1) {
        spdlog::info("peers: the ports of {} skipped from seq {} to {}; subscribing again", peer.str(),
                     entry.data.seq, seq);
        entry.data.stale = true;
        entry.live = false;
        subscribe(peer);
        return;
    }
    entry.data.seq = seq;
    entry.data.synced_at = std::chrono::system_clock::now();
    auto port = read(peer, body["port"]);
    if (!port) {
        return;
    }
    auto& ports = entry.data.ports;
    auto at = std::find_if(ports.begin(), ports.end(), [&](const Port& p) { return p.uid == port->uid; });
    if (body.value("event", std::string()) == "port_removed") {
        if (at != ports.end()) {
            ports.erase(at);
            listeners_.notify("port_removed", *port);
        }
    } else if (at != ports.end()) {
        *at = *port;
        listeners_.notify("port_updated", *port);
    } else {
        ports.push_back(*port);
        listeners_.notify("port_added", *port);
    }
}

} // namespace rocd::peers
