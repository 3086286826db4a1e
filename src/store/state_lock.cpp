#include "store/state_lock.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace rocd::store {

namespace {

std::string errno_text(int error) {
    return std::strerror(error);
}

// The pid a lock holder wrote into the lock file, or "unknown" if it has not
// written it yet or the file is not ours.
std::string read_holder_pid(int fd) {
    char buffer[32] = {};
    const ssize_t size = pread(fd, buffer, sizeof(buffer) - 1, 0);
    if (size <= 0) {
        return "unknown";
    }
    std::string text(buffer, static_cast<std::size_t>(size));
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
        text.pop_back();
    }
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
        return "unknown";
    }
    return text;
}

} // namespace

Result<StateLock> StateLock::acquire(const std::filesystem::path& lock_file) {
    const std::string name = lock_file.string();
    const std::string dir = lock_file.parent_path().string();
    const int fd = ::open(name.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        return fail(Errc::io, "cannot open lock file " + name + ": " + errno_text(errno));
    }
    int rc = 0;
    do {
        rc = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        const int error = errno;
        if (error == EWOULDBLOCK) {
            const std::string pid = read_holder_pid(fd);
            ::close(fd);
            return fail(Errc::unavailable,
                        "state directory " + dir + " is in use by another rocd (pid " + pid + ")");
        }
        ::close(fd);
        return fail(Errc::io, "cannot lock " + name + ": " + errno_text(error));
    }

    // Best effort: the pid only improves the message another rocd prints.
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0) {
        (void)!::pwrite(fd, pid.data(), pid.size(), 0);
    }
    return StateLock(fd, lock_file);
}

StateLock::StateLock(StateLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

StateLock& StateLock::operator=(StateLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
    }
    return *this;
}

StateLock::~StateLock() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

} // namespace rocd::store
