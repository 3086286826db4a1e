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

/// `rocd --rotate-token`: replaces the API token and prints where it is.
Status rotate_token(const config::Config& config);

} // namespace rocd::daemon
