// A change to a resource, as published to API clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace rocd::events {

/// One event: `type` (e.g. "port_added") about the resource at `uri`. Ids
/// increase by one per event; 0 is a message that has none (stream_metrics).
struct Event {
    std::uint64_t id = 0;
    std::string type;
    std::string uri;
    /// The event as subscribers send it (for the API, an SSE message with the
    /// resource's JSON), rendered once at publish and shared, never copied, by
    /// the history, replays and every client's send queue: a slow client that
    /// replays the whole history then holds pointers, not megabytes of text.
    /// Only the rendering is kept: a JSON tree takes about four times the
    /// memory of its text.
    std::shared_ptr<const std::string> rendered;
    std::chrono::system_clock::time_point time;
};

/// The event types services publish.
namespace type {
inline constexpr const char* peer_added = "peer_added";
inline constexpr const char* peer_updated = "peer_updated";
inline constexpr const char* peer_removed = "peer_removed";
inline constexpr const char* port_added = "port_added";
inline constexpr const char* port_updated = "port_updated";
inline constexpr const char* port_removed = "port_removed";
inline constexpr const char* stream_added = "stream_added";
inline constexpr const char* stream_updated = "stream_updated";
inline constexpr const char* stream_removed = "stream_removed";
inline constexpr const char* stream_state_changed = "stream_state_changed";
/// A stream's live figures, at most once a second, only to the subscribers
/// that ask for them (Filter::metrics); no id, not kept for replay.
inline constexpr const char* stream_metrics = "stream_metrics";
/// A peer's live figures (round trip), the same way as stream_metrics.
inline constexpr const char* peer_metrics = "peer_metrics";
} // namespace type

/// Every type above, for validating filters.
bool is_known_type(std::string_view name);

} // namespace rocd::events
