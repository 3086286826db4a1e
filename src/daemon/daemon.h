// The daemon: wires configuration, state, services and the API together and
// runs the control plane until SIGINT/SIGTERM.
#pragma once

#include <filesystem>

#include "config/config.h"
#include "core/error.h"

namespace rocd::daemon {

/// Runs rocd until a signal asks it to stop. Errors that prevent start-up
/// (state directory in use, port taken, bad TLS files...) are returned.
Status run(const config::Config& config, const std::filesystem::path& data_dir);

} // namespace rocd::daemon
