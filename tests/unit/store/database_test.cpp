#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "child_process.h"
#include "store/database.h"
#include "temp_dir.h"

namespace rocd::store {
namespace {

using test::TempDir;
using ::testing::HasSubstr;

constexpr uid_t nobody = 65534;

TEST(Database, opens_and_creates_a_new_file) {
    TempDir dir;
    auto db = Database::open(dir / "new.db");
    ASSERT_TRUE(db) << db.error().message;
    EXPECT_TRUE(std::filesystem::exists(dir / "new.db"));
    EXPECT_EQ(db->user_version().value(), 0);
    EXPECT_EQ(db->path(), dir / "new.db");
}

TEST(Database, enable_wal_switches_journal_mode_persistently) {
    TempDir dir;
    {
        auto db = Database::open(dir / "wal.db");
        ASSERT_TRUE(db);
        ASSERT_TRUE(db->enable_wal());
        ASSERT_TRUE(db->exec("CREATE TABLE t (x INTEGER)"));
    }
    auto db = Database::open(dir / "wal.db");
    ASSERT_TRUE(db);
    auto stmt = db->prepare("PRAGMA journal_mode");
    ASSERT_TRUE(stmt);
    ASSERT_TRUE(stmt->step().value());
    EXPECT_EQ(stmt->column_text(0), "wal");
}

TEST(Database, enforces_foreign_keys_and_full_sync) {
    TempDir dir;
    auto db = Database::open(dir / "fk.db");
    ASSERT_TRUE(db);
    auto fk = db->prepare("PRAGMA foreign_keys");
    ASSERT_TRUE(fk->step().value());
    EXPECT_EQ(fk->column_int(0), 1);
    auto sync = db->prepare("PRAGMA synchronous");
    ASSERT_TRUE(sync->step().value());
    EXPECT_EQ(sync->column_int(0), 2); // FULL
}

TEST(Database, refuses_a_file_that_is_not_a_database_and_leaves_it_byte_identical) {
    TempDir dir;
    const auto path = dir / "rocd.db";
    std::string garbage;
    for (int i = 0; i < 4096; i++) {
        garbage.push_back(static_cast<char>((i * 131 + 7) & 0xff));
    }
    test::write_bytes(path, garbage);

    auto db = Database::open(path);
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, Errc::io);
    EXPECT_THAT(db.error().message, HasSubstr(path.string()));
    EXPECT_THAT(db.error().message, HasSubstr("not a SQLite database"));
    EXPECT_EQ(test::read_bytes(path), garbage);
    EXPECT_FALSE(std::filesystem::exists(dir / "rocd.db-wal"));
    EXPECT_FALSE(std::filesystem::exists(dir / "rocd.db-journal"));
}

TEST(Database, refuses_a_short_text_file_and_leaves_it_byte_identical) {
    TempDir dir;
    const auto path = dir / "rocd.db";
    const std::string text = "hello, I am not a database\n";
    test::write_bytes(path, text);

    auto db = Database::open(path);
    ASSERT_FALSE(db);
    EXPECT_THAT(db.error().message, HasSubstr("not a SQLite database"));
    EXPECT_EQ(test::read_bytes(path), text);
}

// Permission checks do not apply to root, so the refusal is exercised in a
// child that drops to an unprivileged user.
TEST(Database, refuses_an_unreadable_file_and_leaves_it_untouched) {
    TempDir dir;
    const auto path = dir / "rocd.db";
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db->exec("CREATE TABLE t (x INTEGER)"));
    }
    const std::string before = test::read_bytes(path);
    ASSERT_EQ(::chmod(path.c_str(), 0000), 0);
    if (::geteuid() != 0) {
        auto db = Database::open(path);
        ASSERT_FALSE(db);
        EXPECT_EQ(db.error().code, Errc::io);
        EXPECT_THAT(db.error().message, HasSubstr(path.string()));
    } else {
        ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
        const auto child = test::run_in_child([&](int out) {
            if (::setgid(nobody) != 0 || ::setuid(nobody) != 0) {
                return 2;
            }
            auto db = Database::open(path);
            if (db) {
                return 1;
            }
            test::write_all(out, db.error().message);
            return db.error().code == Errc::io ? 0 : 3;
        });
        EXPECT_EQ(child.exit_code, 0) << child.output;
        EXPECT_THAT(child.output, HasSubstr(path.string()));
    }
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    EXPECT_EQ(test::read_bytes(path), before);
}

TEST(Database, refuses_a_file_it_may_not_write) {
    TempDir dir;
    const auto path = dir / "rocd.db";
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db->exec("CREATE TABLE t (x INTEGER)"));
    }
    const std::string before = test::read_bytes(path);
    ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
    ASSERT_EQ(::chmod(dir.path().c_str(), 0755), 0);
    const auto child = test::run_in_child([&](int out) {
        if (::geteuid() == 0 && (::setgid(nobody) != 0 || ::setuid(nobody) != 0)) {
            return 2;
        }
        auto db = Database::open(path);
        if (db) {
            return 1;
        }
        test::write_all(out, db.error().message);
        return db.error().code == Errc::io ? 0 : 3;
    });
    EXPECT_EQ(child.exit_code, 0) << child.output;
    EXPECT_THAT(child.output, HasSubstr("read-only"));
    EXPECT_EQ(test::read_bytes(path), before);
}

TEST(Database, reports_a_missing_directory) {
    TempDir dir;
    auto db = Database::open(dir / "no" / "such" / "rocd.db");
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, Errc::io);
    EXPECT_THAT(db.error().message, HasSubstr("cannot open state database"));
}

TEST(Database, binds_and_reads_every_column_type) {
    TempDir dir;
    auto db = Database::open(dir / "types.db");
    ASSERT_TRUE(db->exec("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b INTEGER, n TEXT)"));
    auto insert = db->prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)");
    ASSERT_TRUE(insert);
    const std::string text("with\0nul", 8);
    insert->bind_int(1, -(std::int64_t {1} << 40))
        .bind_real(2, 0.25)
        .bind_text(3, text)
        .bind_bool(4, true)
        .bind_null(5);
    ASSERT_TRUE(insert->run());
    EXPECT_EQ(db->changes(), 1);

    auto select = db->prepare("SELECT i, r, s, b, n FROM t");
    ASSERT_TRUE(select->step().value());
    EXPECT_EQ(select->column_int(0), -(std::int64_t {1} << 40));
    EXPECT_DOUBLE_EQ(select->column_real(1), 0.25);
    EXPECT_EQ(select->column_text(2), text);
    EXPECT_TRUE(select->column_bool(3));
    EXPECT_TRUE(select->column_is_null(4));
    EXPECT_FALSE(select->column_is_null(0));
    EXPECT_FALSE(select->step().value());
}

TEST(Database, reports_a_bind_error_at_step) {
    TempDir dir;
    auto db = Database::open(dir / "bind.db");
    auto stmt = db->prepare("SELECT ?1");
    ASSERT_TRUE(stmt);
    stmt->bind_int(7, 1);
    auto row = stmt->step();
    ASSERT_FALSE(row);
    EXPECT_EQ(row.error().code, Errc::internal);
    EXPECT_THAT(row.error().message, HasSubstr("parameter 7"));
}

TEST(Database, reports_sql_errors_with_the_statement) {
    TempDir dir;
    auto db = Database::open(dir / "sql.db");
    auto stmt = db->prepare("SELEC nothing");
    ASSERT_FALSE(stmt);
    EXPECT_THAT(stmt.error().message, HasSubstr("SELEC nothing"));
    auto done = db->exec("INSERT INTO missing VALUES (1)");
    ASSERT_FALSE(done);
    EXPECT_THAT(done.error().message, HasSubstr("missing"));
}

TEST(Database, maps_constraint_violations_to_error_codes) {
    TempDir dir;
    auto db = Database::open(dir / "c.db");
    ASSERT_TRUE(db->exec("CREATE TABLE p (k TEXT PRIMARY KEY, v INTEGER CHECK (v > 0));"
                         "CREATE TABLE c (k TEXT REFERENCES p (k));"
                         "INSERT INTO p VALUES ('a', 1);"));
    EXPECT_EQ(db->exec("INSERT INTO p VALUES ('a', 2)").error().code, Errc::conflict);
    EXPECT_EQ(db->exec("INSERT INTO p VALUES ('b', 0)").error().code, Errc::invalid_argument);
    EXPECT_EQ(db->exec("INSERT INTO c VALUES ('zz')").error().code, Errc::not_found);
}

TEST(Database, moves_keep_statements_valid) {
    TempDir dir;
    auto opened = Database::open(dir / "m.db");
    ASSERT_TRUE(opened);
    Database db = std::move(*opened);
    auto stmt = db.prepare("SELECT 42");
    Database moved = std::move(db);
    ASSERT_TRUE(stmt->step().value());
    EXPECT_EQ(stmt->column_int(0), 42);
    EXPECT_EQ(moved.path(), dir / "m.db");
}

} // namespace
} // namespace rocd::store
