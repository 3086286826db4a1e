// One-shot commands on the state directory: they run instead of the daemon
// and exit.
#pragma once

#include "config/config.h"
#include "core/error.h"

namespace rocd::daemon {

/// `rocd --rotate-token`: replaces the API token and prints where it is.
Status rotate_token(const config::Config& config);

/// `rocd --repair-state`: rebuilds a damaged state database from what can
/// still be read and prints what was kept and what was lost.
Status repair_state(const config::Config& config);

} // namespace rocd::daemon
