#include "pipewire_sandbox.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace rocd::test {

namespace {

std::string sandbox_dir;
bool started_here = false;

class SandboxStopper : public ::testing::Environment {
public:
    void TearDown() override {
        if (started_here && !sandbox_dir.empty()) {
            std::system((std::string(ROCD_SANDBOX_SCRIPT) + " stop '" + sandbox_dir + "'").c_str());
            started_here = false;
        }
    }
};

[[maybe_unused]] auto* const stopper = ::testing::AddGlobalTestEnvironment(new SandboxStopper);

} // namespace

std::string run_capture(const std::string& command, int* status, bool bounded_time) {
    std::string out;
    // Never hang a test: a client waiting for a link that a dead session
    // manager will never make is killed.
    const std::string bounded = bounded_time ? "timeout -k 2 30 " + command : command;
    FILE* p = popen(bounded.c_str(), "r");
    if (p == nullptr) {
        if (status) {
            *status = -1;
        }
        return out;
    }
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
        out.append(buf, n);
    }
    const int rc = pclose(p);
    if (status) {
        *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    }
    return out;
}

std::string pipewire_sandbox(std::string* error) {
    if (!sandbox_dir.empty()) {
        // A test may have left the server down, or WirePlumber may have crashed.
        if (!pipewire_sandbox_command("ensure")) {
            *error = "scripts/pipewire-sandbox ensure failed";
            return {};
        }
        return sandbox_dir;
    }
    if (const char* existing = std::getenv("ROCD_PW_SANDBOX")) {
        sandbox_dir = existing;
        return sandbox_dir;
    }
    int status = 0;
    const std::string out =
        run_capture(std::string(ROCD_SANDBOX_SCRIPT) + " start", &status, /*bounded_time=*/false);
    if (status != 0) {
        *error = "scripts/pipewire-sandbox start failed (status " + std::to_string(status) + ")";
        return {};
    }
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        const std::string prefix = "export ";
        if (line.rfind(prefix, 0) != 0) {
            continue;
        }
        const auto eq = line.find('=');
        const std::string key = line.substr(prefix.size(), eq - prefix.size());
        const std::string value = line.substr(eq + 1);
        setenv(key.c_str(), value.c_str(), 1);
        if (key == "ROCD_PW_SANDBOX") {
            sandbox_dir = value;
        }
    }
    if (sandbox_dir.empty()) {
        *error = "scripts/pipewire-sandbox start printed no ROCD_PW_SANDBOX";
        return {};
    }
    started_here = true;
    // Cleans up even if this process crashes before the environment's TearDown.
    std::system((std::string("setsid ") + ROCD_SANDBOX_SCRIPT + " watch " + std::to_string(getpid()) + " '" +
                 sandbox_dir + "' </dev/null >/dev/null 2>&1 &")
                    .c_str());
    return sandbox_dir;
}

bool pipewire_sandbox_command(const std::string& command) {
    return std::system(
               (std::string(ROCD_SANDBOX_SCRIPT) + " " + command + " '" + sandbox_dir + "'").c_str()) == 0;
}

} // namespace rocd::test
