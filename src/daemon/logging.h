// spdlog set-up: one stderr logger, text or JSON lines.
#pragma once

#include "config/config.h"

namespace rocd::daemon {

/// Installs the default logger. Verbosity 0: info, 1: debug, 2+: trace.
void setup_logging(int verbosity, config::LogFormat format);

} // namespace rocd::daemon
