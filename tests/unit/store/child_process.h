// Running a piece of a test in a forked child process.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace rocd::store::test {

struct ChildResult {
    int exit_code = -1; ///< -1 if the child did not exit normally
    std::string output; ///< everything the child wrote to its out_fd
};

/// Forks; the child runs `body(out_fd)` and _exit()s with its return value
/// (no gtest assertions in there: they would fail in the wrong process).
/// The parent collects the output and the exit code.
inline ChildResult run_in_child(const std::function<int(int out_fd)>& body) {
    int fds[2];
    if (::pipe(fds) != 0) {
        throw std::runtime_error("pipe failed");
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        ::close(fds[0]);
        const int code = body(fds[1]);
        ::_exit(code);
    }
    ::close(fds[1]);
    ChildResult result;
    char buffer[512];
    ssize_t size = 0;
    while ((size = ::read(fds[0], buffer, sizeof(buffer))) > 0) {
        result.output.append(buffer, static_cast<std::size_t>(size));
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

/// Writes all of `text` to `fd`, for children reporting to the parent.
inline void write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) {
            return;
        }
        done += static_cast<std::size_t>(n);
    }
}

} // namespace rocd::store::test
