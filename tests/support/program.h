// Running a built program (rocd-send, rocd-recv...) from a test.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace rocd::test {

/// Starts `args[0]` with `args` and returns its pid (exit status 127 if it
/// cannot be executed).
inline pid_t start_program(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

/// Waits for `pid`; its exit status, or -1 if it did not exit normally.
inline int wait_exit(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Runs a program to completion; its exit status.
inline int run_program(const std::vector<std::string>& args) {
    return wait_exit(start_program(args));
}

/// Whether a UDP socket of this host is bound to `port` (any address), as
/// /proc/net/udp{,6} list them.
inline bool udp_port_bound(std::uint16_t port) {
    char wanted[8];
    std::snprintf(wanted, sizeof(wanted), ":%04X", port);
    for (const char* table : {"/proc/net/udp", "/proc/net/udp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line); // the column titles
        while (std::getline(in, line)) {
            // "  sl  local_address rem_address ...": the local address
            // (hex ADDR:PORT) is the second field.
            std::istringstream fields(line);
            std::string slot, local;
            fields >> slot >> local;
            if (local.size() > 5 && local.compare(local.size() - 5, 5, wanted) == 0) {
                return true;
            }
        }
    }
    return false;
}

/// Waits until a program started in the background has bound each of
/// `ports` (a fixed sleep loses the race on a busy machine: the sender then
/// sends into nothing and a --oneshot receiver waits forever). False after
/// `timeout`.
inline bool wait_udp_bound(std::initializer_list<std::uint16_t> ports,
                           std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        bool all = true;
        for (const auto port : ports) {
            all = all && udp_port_bound(port);
        }
        if (all) {
            return true;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

} // namespace rocd::test
