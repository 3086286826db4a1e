// Reads a running stream's counters from its transport and device I/O.
#pragma once

#include "streams/stream_opener.h"
#include "streams/stream_view.h"

namespace rocd::streams {

/// Safe from the control plane while the stream runs: every source is
/// atomic or lock-free.
StreamMetrics measure(const RunningStream& running);

} // namespace rocd::streams
