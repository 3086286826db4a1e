// The command line of `rocd`: parses options into a Config.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "config/config.h"

namespace rocd::daemon {

/// What the command line asks for.
struct Invocation {
    config::Config config;
    bool rotate_token = false;
    bool repair_state = false;
    std::filesystem::path data_dir; ///< share/rocd: OpenAPI document, /docs renderer
};

/// Parses argv. Returns the exit code to end with instead (0 after
/// --help/--version, non-zero after an error, which is printed).
std::variant<Invocation, int> parse_command_line(int argc, char** argv);

} // namespace rocd::daemon
