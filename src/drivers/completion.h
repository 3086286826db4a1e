// How a driver hands back the outcome of an operation that waits on the
// audio server, so that the control thread never waits.
#pragma once

#include <functional>

#include "core/error.h"

namespace rocd::drivers {

/// Receives an operation's outcome exactly once, on one of the driver's own
/// threads (never the real-time one); it may also run before the call that
/// started it returns. Callers post it to their own executor.
template <class T> using Completion = std::function<void(Result<T>)>;

} // namespace rocd::drivers
