#include <csignal>

#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/state_lock.h"
#include "temp_dir.h"

namespace rocd::store {
namespace {

using test::TempDir;
using ::testing::HasSubstr;

TEST(StateLock, a_second_acquire_in_the_same_process_fails_naming_the_holder) {
    TempDir dir;
    auto first = StateLock::acquire(dir / "rocd.db.lock");
    ASSERT_TRUE(first) << first.error().message;
    auto second = StateLock::acquire(dir / "rocd.db.lock");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::unavailable);
    EXPECT_EQ(second.error().message, "state directory " + dir.path().string() +
                                          " is in use by another rocd (pid " + std::to_string(::getpid()) +
                                          ")");
}

TEST(StateLock, is_released_on_destruction) {
    TempDir dir;
    { ASSERT_TRUE(StateLock::acquire(dir / "rocd.db.lock")); }
    auto again = StateLock::acquire(dir / "rocd.db.lock");
    EXPECT_TRUE(again);
}

TEST(StateLock, moved_lock_stays_held) {
    TempDir dir;
    auto first = StateLock::acquire(dir / "rocd.db.lock");
    ASSERT_TRUE(first);
    StateLock moved = std::move(*first);
    EXPECT_FALSE(StateLock::acquire(dir / "rocd.db.lock"));
    EXPECT_EQ(moved.path(), dir / "rocd.db.lock");
}

TEST(StateLock, held_by_another_process_fails_naming_it_until_that_process_dies) {
    TempDir dir;
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(ready[0]);
        auto lock = StateLock::acquire(dir / "rocd.db.lock");
        const char status = lock ? 'y' : 'n';
        (void)!::write(ready[1], &status, 1);
        ::pause(); // until SIGKILL
        ::_exit(0);
    }
    ::close(ready[1]);
    char status = 0;
    ASSERT_EQ(::read(ready[0], &status, 1), 1);
    ::close(ready[0]);
    ASSERT_EQ(status, 'y');

    auto refused = StateLock::acquire(dir / "rocd.db.lock");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::unavailable);
    EXPECT_THAT(refused.error().message,
                HasSubstr("in use by another rocd (pid " + std::to_string(child) + ")"));

    // A holder killed without any cleanup leaves its file behind, yet the
    // kernel has dropped the lock.
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    EXPECT_TRUE(std::filesystem::exists(dir / "rocd.db.lock"));
    auto taken = StateLock::acquire(dir / "rocd.db.lock");
    EXPECT_TRUE(taken);
    EXPECT_EQ(test::read_bytes(dir / "rocd.db.lock"), std::to_string(::getpid()) + "\n");
}

TEST(StateLock, reports_a_lock_file_it_cannot_create) {
    TempDir dir;
    auto lock = StateLock::acquire(dir / "missing" / "rocd.db.lock");
    ASSERT_FALSE(lock);
    EXPECT_EQ(lock.error().code, Errc::io);
    EXPECT_THAT(lock.error().message, HasSubstr("cannot open lock file"));
}

} // namespace
} // namespace rocd::store
