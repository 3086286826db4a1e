#include <csignal>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/store.h"
#include "temp_dir.h"

namespace rocd::store {
namespace {

using test::TempDir;
using ::testing::HasSubstr;

const std::int64_t latest = static_cast<std::int64_t>(schema_migrations().size());

TEST(Store, creates_a_missing_state_directory_private_to_its_user) {
    TempDir dir;
    const auto state = dir / "a" / "b" / "state";
    auto store = Store::open(state);
    ASSERT_TRUE(store) << store.error().message;
    struct stat info {};
    ASSERT_EQ(::stat(state.c_str(), &info), 0);
    EXPECT_TRUE(S_ISDIR(info.st_mode));
    EXPECT_EQ(info.st_mode & 0777, 0700u);
    EXPECT_TRUE(std::filesystem::exists(state / Store::database_file));
    EXPECT_TRUE(std::filesystem::exists(state / Store::lock_file));
    EXPECT_EQ(store->directory(), state);
}

TEST(Store, refuses_a_state_path_that_is_a_file) {
    TempDir dir;
    test::write_bytes(dir / "file", "x");
    auto store = Store::open(dir / "file");
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, Errc::io);
    EXPECT_THAT(store.error().message, HasSubstr("not a directory"));
}

TEST(Store, opens_the_database_in_wal_mode_at_the_latest_schema) {
    TempDir dir;
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store);
    auto stmt = store->database().prepare("PRAGMA journal_mode");
    ASSERT_TRUE(stmt->step().value());
    EXPECT_EQ(stmt->column_text(0), "wal");
    EXPECT_EQ(store->database().user_version().value(), latest);
}

TEST(Store, creates_this_daemons_peer_once_and_keeps_its_uid) {
    TempDir dir;
    std::string uid;
    {
        auto store = Store::open(dir.path(), {.self_display_name = "studio-pc"});
        ASSERT_TRUE(store);
        uid = store->self_uid().str();
        auto self = store->self_peer();
        ASSERT_TRUE(self);
        EXPECT_EQ(self->uid, store->self_uid());
        EXPECT_EQ(self->display_name, "studio-pc");
        EXPECT_TRUE(self->is_self);
    }
    for (int i = 0; i < 2; i++) {
        auto store = Store::open(dir.path(), {.self_display_name = "another-name"});
        ASSERT_TRUE(store);
        EXPECT_EQ(store->self_uid().str(), uid);
        EXPECT_EQ(store->self_peer()->display_name, "studio-pc");
        EXPECT_EQ(store->peers().list()->size(), 1u);
    }
}

TEST(Store, names_this_daemons_peer_after_the_host_by_default) {
    TempDir dir;
    char host[256] = {};
    ASSERT_EQ(::gethostname(host, sizeof(host) - 1), 0);
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store);
    EXPECT_EQ(store->self_peer()->display_name, std::string(host));
}

TEST(Store, a_second_open_in_the_same_process_fails_clearly) {
    TempDir dir;
    auto first = Store::open(dir.path());
    ASSERT_TRUE(first);
    auto second = Store::open(dir.path());
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, Errc::unavailable);
    EXPECT_EQ(second.error().message, "state directory " + dir.path().string() +
                                          " is in use by another rocd (pid " + std::to_string(::getpid()) +
                                          ")");
    // The first one is unharmed.
    EXPECT_TRUE(first->streams().insert({Uid::random(), "{}"}));
}

TEST(Store, an_open_by_another_process_fails_clearly_until_it_exits) {
    TempDir dir;
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(ready[0]);
        auto store = Store::open(dir.path());
        const std::string uid = store ? store->self_uid().str() : std::string("error");
        (void)!::write(ready[1], uid.data(), uid.size());
        ::close(ready[1]);
        ::pause(); // until SIGKILL
        ::_exit(0);
    }
    ::close(ready[1]);
    std::string child_uid(Uid::length, '\0');
    ASSERT_EQ(::read(ready[0], child_uid.data(), child_uid.size()), static_cast<ssize_t>(Uid::length));
    ::close(ready[0]);

    auto refused = Store::open(dir.path());
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::unavailable);
    EXPECT_THAT(refused.error().message,
                HasSubstr("in use by another rocd (pid " + std::to_string(child) + ")"));

    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(store->self_uid().str(), child_uid);
}

TEST(Store, refuses_a_garbage_database_and_leaves_it_byte_identical) {
    TempDir dir;
    const std::string garbage(10000, 'G');
    test::write_bytes(dir / Store::database_file, garbage);
    auto store = Store::open(dir.path());
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, Errc::io);
    EXPECT_THAT(store.error().message, HasSubstr((dir / Store::database_file).string()));
    EXPECT_EQ(test::read_bytes(dir / Store::database_file), garbage);
    // Refusing does not hold the directory.
    auto again = Store::open(dir.path());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::io);
}

// Simulates a database written by a future rocd.
void stamp_version(const std::filesystem::path& path, std::int64_t version, bool wal) {
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    if (wal) {
        ASSERT_TRUE(db->enable_wal());
    }
    ASSERT_TRUE(db->exec(
        "CREATE TABLE IF NOT EXISTS future (x INTEGER); PRAGMA user_version = " + std::to_string(version) +
        "; PRAGMA application_id = " + std::to_string(rocd_application_id) + ";"));
}

TEST(Store, refuses_a_newer_schema_naming_both_versions_and_leaves_the_file_untouched) {
    TempDir dir;
    const auto path = dir / Store::database_file;
    { ASSERT_TRUE(Store::open(dir.path())); }
    stamp_version(path, latest + 5, true);
    const std::string before = test::read_bytes(path);

    auto store = Store::open(dir.path());
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, Errc::unsupported);
    EXPECT_THAT(store.error().message, HasSubstr("schema version " + std::to_string(latest + 5)));
    EXPECT_THAT(store.error().message, HasSubstr("newer than version " + std::to_string(latest)));
    EXPECT_EQ(test::read_bytes(path), before);
}

TEST(Store, does_not_switch_a_newer_rollback_journal_database_to_wal) {
    TempDir dir;
    const auto path = dir / Store::database_file;
    stamp_version(path, latest + 1, false);
    const std::string before = test::read_bytes(path);
    ASSERT_FALSE(Store::open(dir.path()));
    EXPECT_EQ(test::read_bytes(path), before);
    EXPECT_FALSE(std::filesystem::exists(dir / "rocd.db-wal"));
}

TEST(Store, groups_repository_calls_in_a_transaction) {
    TempDir dir;
    auto store = Store::open(dir.path());
    ASSERT_TRUE(store);
    {
        auto txn = store->begin();
        ASSERT_TRUE(txn);
        ASSERT_TRUE(store->streams().insert({Uid::random(), "{}"}));
        ASSERT_TRUE(store->streams().insert({Uid::random(), "{}"}));
    }
    EXPECT_TRUE(store->streams().list()->empty());
    auto txn = store->begin();
    ASSERT_TRUE(store->streams().insert({Uid::random(), "{}"}));
    ASSERT_TRUE(store->streams().insert({Uid::random(), "{}"}));
    ASSERT_TRUE(txn->commit());
    EXPECT_EQ(store->streams().list()->size(), 2u);
}

TEST(Store, stays_usable_after_a_move) {
    TempDir dir;
    auto opened = Store::open(dir.path());
    ASSERT_TRUE(opened);
    Store store = std::move(*opened);
    const Uid kept = Uid::random();
    ASSERT_TRUE(store.streams().insert({kept, "{\"k\":\"v\"}"}));
    TempDir other;
    auto replaced = Store::open(other.path());
    ASSERT_TRUE(replaced);
    *replaced = std::move(store);
    EXPECT_EQ(replaced->streams().get(kept).value().spec, "{\"k\":\"v\"}");
    // The directory the assigned-over store held is free again.
    EXPECT_TRUE(Store::open(other.path()));
}

} // namespace
} // namespace rocd::store
