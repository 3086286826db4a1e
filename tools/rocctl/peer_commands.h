// rocctl's peer commands: peers, peer (show, rename, add, pair, confirm,
// cancel, revoke).
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "client.h"

namespace rocctl {

/// What a command does once parsed, and how its answer is shown.
using Action = std::function<rocd::Result<nlohmann::json>(Client&)>;
using Show = std::function<std::string(const nlohmann::json&)>;

/// Adds the commands to `app`; the one parsed sets `action` (and `show`).
/// The strings they fill live as long as the process.
void add_peer_commands(CLI::App& app, Action& action, Show& show);

} // namespace rocctl
