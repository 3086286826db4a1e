// A change to a resource, as published to API clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace rocd::events {

/// One event: `type` (e.g. "port_added") about the resource at `uri`, whose
/// JSON (as the API returns it) is `text`. Ids increase by one per event.
struct Event {
    std::uint64_t id = 0;
    std::string type;
    std::string uri;
    /// The resource as compact JSON, serialized once at publish for every
    /// subscriber (an SSE client would otherwise dump it again each). Only
    /// the text is kept: the history holds thousands of events, and a JSON
    /// tree takes about four times the memory of its text.
    std::string text;
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
} // namespace type

/// Every type above, for validating filters.
bool is_known_type(std::string_view name);

} // namespace rocd::events
