// A stream as the stream service reports it: its definition, its live state
// and its counters. Typed; api/representation/stream_json turns it into JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/uid.h"
#include "streams/stream_spec.h"

namespace rocd::streams {

/// Live state of a stream.
enum class StreamState {
    starting,         ///< opened, no audio has flowed yet
    active,           ///< packets flow
    idle,             ///< open, but no packets flow
    waiting_for_port, ///< the port is absent; resumes when it comes back
    /// A half of a cross-peer stream whose other peer cannot be reached over
    /// the peer protocol (offline); resumes when it is back.
    waiting_for_peer,
    error, ///< could not run; see the reason
};

const char* state_name(StreamState state);

/// Counters of a running stream (zero when it does not run).
struct StreamMetrics {
    /// Frames played, for streams that receive; frames captured otherwise.
    std::uint64_t frames = 0;
    std::uint64_t packets_sent = 0;
    std::uint64_t packets_received = 0;
    std::int64_t packets_lost = 0;
    std::uint64_t packets_recovered = 0;
    std::uint64_t packets_late = 0;
    /// Valid packets no session took (see transport::ReceiverMetrics).
    std::uint64_t packets_unroutable = 0;
    /// Dropped on arrival, over their source address's packet rate.
    std::uint64_t packets_rate_limited = 0;
    std::uint64_t sessions = 0;
    double latency_ms = 0.0;
    double jitter_ms = 0.0;
    /// Drift compensation: the receiver's resampling ratio.
    double scaling = 1.0;
    std::uint64_t xruns = 0;
    /// Known once the far end answered over RTCP.
    std::optional<double> rtt_ms;
};

struct StreamView {
    Uid uid;
    /// Unset when the stored definition could not be read back; then
    /// `stored_definition` is what the store holds, shown as it is.
    std::optional<StreamSpec> spec;
    std::string stored_definition;
    StreamState state = StreamState::starting;
    /// Why, when state is error.
    std::string error;
    StreamMetrics metrics;
};

/// What happened to a stream (the listeners' first argument).
enum class StreamChange {
    added,
    updated,       ///< its settings changed
    state_changed, ///< its live state changed
    removed,
};

} // namespace rocd::streams
