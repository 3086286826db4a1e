// Services publish events here; API subscribers (SSE clients) receive them.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "events/event.h"

namespace rocd::events {

/// Which events a subscriber wants: empty sets mean all.
struct Filter {
    std::vector<std::string> types;
    /// Resource URIs; an event matches if its URI equals one of these or
    /// lies below it ("/peers/self/ports" matches every port of self).
    std::vector<std::string> uris;
    /// Also the stream_metrics and peer_metrics messages (of what `uris`
    /// selects).
    bool metrics = false;

    bool matches(const Event& event) const;
};

/// The current state of one resource, for snapshots.
struct Snapshot {
    std::string kind; ///< "peer", "port", "stream"
    std::string uri;
    nlohmann::json data;
};

/// In-memory event log with bounded history and synchronous fan-out.
///
/// Lives on the control-plane thread, like the services that publish and the
/// sessions that subscribe: no locks. Subscribers must not block; an SSE
/// session only queues the event and writes it later.
class EventBus {
public:
    using SubscriberId = std::uint64_t;
    using Callback = std::function<void(const Event&)>;
    using SnapshotSource = std::function<std::vector<Snapshot>()>;
    /// Turns an event into what subscribers send (Event::rendered).
    using Render =
        std::function<std::string(std::uint64_t id, std::string_view type, const nlohmann::json& data)>;

    /// Keeps the last `history` events for replay. Ids start at `first_id`;
    /// the daemon derives it from the wall clock so that ids keep growing
    /// across restarts and a client's Last-Event-ID from an earlier run is
    /// recognised as too old rather than mistaken for a new event. `render`
    /// defaults to the data's compact JSON.
    explicit EventBus(std::size_t history = 4096, std::uint64_t first_id = 1, Render render = {});

    /// Records and delivers an event; returns its id.
    std::uint64_t publish(std::string type, std::string uri, nlohmann::json data);

    /// A resource's figures (`type`: stream_metrics or peer_metrics) to the
    /// subscribers that asked for them, now: no id, no history, no replay.
    void publish_metrics(const char* type, std::string uri, const nlohmann::json& data);
    /// Whether any subscriber asked for stream_metrics.
    bool wants_metrics() const;

    /// Delivers every future event matching `filter` to `callback`.
    SubscriberId subscribe(Filter filter, Callback callback);
    void unsubscribe(SubscriberId id);

    /// Events after `last_id` matching `filter`, oldest first. `complete` is
    /// false if some of them were already dropped from the history.
    struct Replay {
        std::vector<Event> events;
        bool complete = true;
    };
    Replay replay_after(std::uint64_t last_id, const Filter& filter) const;

    /// Id of the newest event (0 before the first).
    std::uint64_t last_id() const { return next_id_ - 1; }

    /// Services register where the current state of their resources comes
    /// from, so that a subscriber can start from a snapshot.
    void add_snapshot_source(SnapshotSource source);
    std::vector<Snapshot> snapshot(const Filter& filter) const;

    std::size_t subscriber_count() const { return subscribers_.size(); }

private:
    std::size_t history_capacity_;
    Render render_;
    std::deque<Event> history_;
    std::uint64_t next_id_ = 1;
    SubscriberId next_subscriber_ = 1;
    std::map<SubscriberId, std::pair<Filter, Callback>> subscribers_;
    std::vector<SnapshotSource> snapshot_sources_;
};

} // namespace rocd::events
