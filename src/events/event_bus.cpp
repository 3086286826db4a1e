#include "events/event_bus.h"

#include <algorithm>

namespace rocd::events {

namespace {

constexpr const char* all_types[] = {
    type::peer_added,     type::peer_updated,         type::peer_removed, type::port_added,
    type::port_updated,   type::port_removed,         type::stream_added, type::stream_updated,
    type::stream_removed, type::stream_state_changed,
};

bool uri_within(std::string_view uri, std::string_view scope) {
    if (uri.size() < scope.size() || uri.substr(0, scope.size()) != scope) {
        return false;
    }
    return uri.size() == scope.size() || uri[scope.size()] == '/' || scope.back() == '/';
}

bool matches_uri(const std::vector<std::string>& uris, std::string_view uri) {
    return uris.empty() || std::any_of(uris.begin(), uris.end(),
                                       [&](const std::string& scope) { return uri_within(uri, scope); });
}

} // namespace

bool is_known_type(std::string_view name) {
    return std::any_of(std::begin(all_types), std::end(all_types), [&](const char* t) { return name == t; });
}

bool Filter::matches(const Event& event) const {
    if (event.type == type::stream_metrics || event.type == type::peer_metrics) {
        return metrics && matches_uri(uris, event.uri);
    }
    const bool type_ok = types.empty() || std::find(types.begin(), types.end(), event.type) != types.end();
    return type_ok && matches_uri(uris, event.uri);
}

EventBus::EventBus(std::size_t history, std::uint64_t first_id, Render render)
    : history_capacity_(std::max<std::size_t>(history, 1)), render_(std::move(render)),
      next_id_(std::max<std::uint64_t>(first_id, 1)) {
    if (!render_) {
        render_ = [](std::uint64_t, std::string_view, const nlohmann::json& data) {
            return data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        };
    }
}

std::uint64_t EventBus::publish(std::string type, std::string uri, nlohmann::json data) {
    const std::uint64_t id = next_id_++;
    auto rendered = std::make_shared<const std::string>(render_(id, type, data));
    Event event {id, std::move(type), std::move(uri), std::move(rendered), std::chrono::system_clock::now()};
    if (history_.size() == history_capacity_) {
        history_.pop_front();
    }
    history_.push_back(event);
    // Copy the ids first: a callback may unsubscribe (itself or another).
    std::vector<SubscriberId> ids;
    ids.reserve(subscribers_.size());
    for (const auto& [id, entry] : subscribers_) {
        ids.push_back(id);
    }
    for (SubscriberId id : ids) {
        const auto it = subscribers_.find(id);
        if (it != subscribers_.end() && it->second.first.matches(event)) {
            it->second.second(event);
        }
    }
    return event.id;
}

void EventBus::publish_metrics(const char* type, std::string uri, const nlohmann::json& data) {
    auto rendered = std::make_shared<const std::string>(render_(0, type, data));
    Event event {0, type, std::move(uri), std::move(rendered), std::chrono::system_clock::now()};
    std::vector<SubscriberId> ids;
    for (const auto& [id, entry] : subscribers_) {
        if (entry.first.metrics) {
            ids.push_back(id);
        }
    }
    for (SubscriberId id : ids) {
        const auto it = subscribers_.find(id);
        if (it != subscribers_.end() && it->second.first.matches(event)) {
            it->second.second(event);
        }
    }
}

bool EventBus::wants_metrics() const {
    return std::any_of(subscribers_.begin(), subscribers_.end(),
                       [](const auto& entry) { return entry.second.first.metrics; });
}

EventBus::SubscriberId EventBus::subscribe(Filter filter, Callback callback) {
    const SubscriberId id = next_subscriber_++;
    subscribers_.emplace(id, std::make_pair(std::move(filter), std::move(callback)));
    return id;
}

void EventBus::unsubscribe(SubscriberId id) {
    subscribers_.erase(id);
}

EventBus::Replay EventBus::replay_after(std::uint64_t last_id, const Filter& filter) const {
    Replay out;
    if (last_id >= next_id_ - 1) {
        return out;
    }
    if (history_.empty()) {
        out.complete = false; // ids before this bus's first: from an earlier run
        return out;
    }
    const std::uint64_t oldest = history_.empty() ? next_id_ : history_.front().id;
    out.complete = last_id + 1 >= oldest;
    for (const Event& event : history_) {
        if (event.id > last_id && filter.matches(event)) {
            out.events.push_back(event);
        }
    }
    return out;
}

void EventBus::add_snapshot_source(SnapshotSource source) {
    snapshot_sources_.push_back(std::move(source));
}

std::vector<Snapshot> EventBus::snapshot(const Filter& filter) const {
    // A type filter selects resource kinds too: "port_updated" wants ports.
    auto kind_wanted = [&](const std::string& kind) {
        return filter.types.empty() ||
               std::any_of(filter.types.begin(), filter.types.end(),
                           [&](const std::string& t) { return t.rfind(kind + "_", 0) == 0; });
    };
    std::vector<Snapshot> out;
    for (const auto& source : snapshot_sources_) {
        for (Snapshot& item : source()) {
            if (kind_wanted(item.kind) && matches_uri(filter.uris, item.uri)) {
                out.push_back(std::move(item));
            }
        }
    }
    return out;
}

} // namespace rocd::events
