// A private PipeWire session (scripts/pipewire-sandbox) for the tests that
// need a real server; started on first use, ended at exit by PID.
#pragma once

#include <string>

namespace rocd::test {

/// Starts the sandbox once per process (unless ROCD_PW_SANDBOX is already
/// set: the caller runs us inside one) and points this process's
/// environment at it. Returns the sandbox directory, or "" with a reason
/// in `error`.
std::string pipewire_sandbox(std::string* error);

/// Runs `scripts/pipewire-sandbox <command> <dir>` (restart, kill-server,
/// start-server); true on success.
bool pipewire_sandbox_command(const std::string& command);

/// Runs a shell command in the sandbox environment; returns its stdout.
/// Unless `bounded_time` is false the command is killed after 30 s, so a
/// client that waits forever (e.g. for a link) cannot hang the test.
std::string run_capture(const std::string& command, int* status = nullptr, bool bounded_time = true);

} // namespace rocd::test
