// Running a built program (rocd-send, rocd-recv...) from a test.
#pragma once

#include <string>
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

} // namespace rocd::test
