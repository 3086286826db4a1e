// What the stream service keeps of each stream; shared by its two files
// (stream_service.cpp: the API's operations; stream_states.cpp: how states
// follow ports and traffic).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "streams/stream_opener.h"
#include "streams/stream_service.h"

namespace rocd::streams {

using Clock = std::chrono::steady_clock;

struct StreamService::Entry {
    explicit Entry(Uid uid) : uid(std::move(uid)) {}
    Uid uid;
    /// PortService references held on the stream's ports (so they stay
    /// listed and cannot be deleted under the stream).
    std::vector<Uid> retained;
    /// Set unless the stored spec could not be read (then `stored` is shown).
    std::optional<StreamSpec> spec;
    std::string stored;
    StreamState state = StreamState::starting;
    std::string error;
    std::unique_ptr<RunningStream> running;
    /// Set while a stopped transport is being let go by the pump: what must
    /// wait for its sockets to close (a restart binds the same addresses)
    /// queues here, and runs in order once it is closed.
    std::shared_ptr<std::vector<std::function<void()>>> stopping;
    /// Bumped by every stop and start: an open whose host names were still
    /// resolving when it changed is dropped.
    std::uint64_t generation = 0;
    std::uint64_t last_flow = 0;
    Clock::time_point started_at {};
    Clock::time_point last_flow_at {};
};

} // namespace rocd::streams
