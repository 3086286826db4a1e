// Exclusive use of a state directory by one rocd process.
#pragma once

#include <filesystem>

#include "core/error.h"

namespace rocd::store {

/// An exclusive, non-blocking flock(2) on a lock file, held until
/// destruction. The lock file holds the owner's pid so that a refused rocd
/// can say who holds the directory.
///
/// The kernel drops the lock when its holder dies, even by SIGKILL, so a
/// stale lock file never blocks a restart; the file itself is left in place
/// (deleting it would race with a concurrent acquire).
///
/// flock locks belong to an open file description: a second acquire() in the
/// same process fails just as one in another process does. A child created
/// by fork() shares the parent's lock; exec'ed children do not (O_CLOEXEC).
class StateLock {
public:
    /// Locks `lock_file` (created with mode 0600 if absent). Fails with
    /// Errc::unavailable if another process holds it, Errc::io if the file
    /// cannot be opened or locked.
    static Result<StateLock> acquire(const std::filesystem::path& lock_file);

    StateLock(StateLock&& other) noexcept;
    StateLock& operator=(StateLock&& other) noexcept;
    StateLock(const StateLock&) = delete;
    StateLock& operator=(const StateLock&) = delete;
    ~StateLock();

    const std::filesystem::path& path() const { return path_; }

private:
    StateLock(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}

    int fd_ = -1;
    std::filesystem::path path_;
};

} // namespace rocd::store
