#include <array>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/peer_repository.h"

#include "store/database.h"
#include "store/migrator.h"
#include "temp_dir.h"

namespace rocd::store {
namespace {

using test::TempDir;
using ::testing::HasSubstr;

constexpr std::array<Migration, 3> three {{
    {1, "table a", "CREATE TABLE a (x INTEGER);"},
    {2, "table b, one row in a", "CREATE TABLE b (x INTEGER); INSERT INTO a VALUES (2);"},
    {3, "table c", "CREATE TABLE c (x INTEGER);"},
}};

bool has_table(Database& db, const std::string& name) {
    auto stmt = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    stmt->bind_text(1, name);
    return stmt->step().value() && stmt->column_int(0) == 1;
}

std::int64_t count(Database& db, const std::string& table) {
    auto stmt = db.prepare("SELECT count(*) FROM " + table);
    return stmt->step().value() ? stmt->column_int(0) : -1;
}

class MigratorTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = Database::open(dir_ / "m.db");
        ASSERT_TRUE(opened);
        db_ = std::make_unique<Database>(std::move(*opened));
        ASSERT_TRUE(db_->enable_wal());
    }

    TempDir dir_;
    std::unique_ptr<Database> db_;
};

TEST_F(MigratorTest, applies_every_migration_to_a_fresh_database) {
    auto applied = migrate(*db_, three);
    ASSERT_TRUE(applied) << applied.error().message;
    EXPECT_EQ(*applied, 3);
    EXPECT_EQ(db_->user_version().value(), 3);
    EXPECT_EQ(db_->application_id().value(), rocd_application_id);
    EXPECT_TRUE(has_table(*db_, "a"));
    EXPECT_TRUE(has_table(*db_, "b"));
    EXPECT_TRUE(has_table(*db_, "c"));
}

TEST_F(MigratorTest, applies_none_to_a_current_database_after_reopen) {
    ASSERT_EQ(migrate(*db_, three).value(), 3);
    db_.reset();
    auto reopened = Database::open(dir_ / "m.db");
    ASSERT_TRUE(reopened);
    EXPECT_EQ(migrate(*reopened, three).value(), 0);
    EXPECT_EQ(count(*reopened, "a"), 1);
    EXPECT_EQ(reopened->user_version().value(), 3);
}

TEST_F(MigratorTest, applies_only_the_migrations_above_the_stored_version) {
    ASSERT_EQ(migrate(*db_, std::span(three).first(2)).value(), 2);
    EXPECT_EQ(db_->user_version().value(), 2);
    EXPECT_FALSE(has_table(*db_, "c"));

    EXPECT_EQ(migrate(*db_, three).value(), 1);
    EXPECT_EQ(db_->user_version().value(), 3);
    EXPECT_TRUE(has_table(*db_, "c"));
    EXPECT_EQ(count(*db_, "a"), 1); // migration 2 did not run twice
}

TEST_F(MigratorTest, a_failing_migration_rolls_back_every_migration_of_the_run) {
    constexpr std::array<Migration, 3> broken {{
        three[0],
        three[1],
        {3, "broken", "CREATE TABLE c (x INTEGER); CREATE TABLE oops ("},
    }};
    auto applied = migrate(*db_, broken);
    ASSERT_FALSE(applied);
    EXPECT_THAT(applied.error().message, HasSubstr("schema migration 3 (broken)"));
    EXPECT_THAT(applied.error().message, HasSubstr("nothing was changed"));
    EXPECT_FALSE(db_->in_transaction());
    EXPECT_EQ(db_->user_version().value(), 0);
    EXPECT_EQ(db_->application_id().value(), 0);
    EXPECT_FALSE(has_table(*db_, "a"));
    EXPECT_FALSE(has_table(*db_, "b"));
    EXPECT_FALSE(has_table(*db_, "c"));
}

TEST_F(MigratorTest, a_failing_migration_keeps_the_previous_version) {
    ASSERT_EQ(migrate(*db_, std::span(three).first(1)).value(), 1);
    constexpr std::array<Migration, 3> broken {{
        three[0],
        three[1],
        {3, "broken", "INSERT INTO nowhere VALUES (1);"},
    }};
    ASSERT_FALSE(migrate(*db_, broken));
    EXPECT_EQ(db_->user_version().value(), 1);
    EXPECT_TRUE(has_table(*db_, "a"));
    EXPECT_FALSE(has_table(*db_, "b"));
    EXPECT_EQ(count(*db_, "a"), 0);
}

TEST_F(MigratorTest, refuses_a_newer_schema_naming_both_versions) {
    ASSERT_EQ(migrate(*db_, three).value(), 3);
    auto checked = check_schema(*db_, std::span(three).first(1));
    ASSERT_FALSE(checked);
    EXPECT_EQ(checked.error().code, Errc::unsupported);
    EXPECT_THAT(checked.error().message, HasSubstr("schema version 3"));
    EXPECT_THAT(checked.error().message, HasSubstr("newer than version 1"));

    auto applied = migrate(*db_, std::span(three).first(1));
    ASSERT_FALSE(applied);
    EXPECT_EQ(applied.error().code, Errc::unsupported);
    EXPECT_EQ(db_->user_version().value(), 3);
}

TEST_F(MigratorTest, refuses_a_database_of_another_program) {
    ASSERT_TRUE(db_->exec("CREATE TABLE theirs (x INTEGER)"));
    auto applied = migrate(*db_, three);
    ASSERT_FALSE(applied);
    EXPECT_EQ(applied.error().code, Errc::io);
    EXPECT_THAT(applied.error().message, HasSubstr("did not create"));
    EXPECT_FALSE(has_table(*db_, "a"));
}

TEST_F(MigratorTest, refuses_a_database_with_a_foreign_application_id) {
    ASSERT_TRUE(db_->exec("PRAGMA application_id = 1234"));
    auto checked = check_schema(*db_, three);
    ASSERT_FALSE(checked);
    EXPECT_THAT(checked.error().message, HasSubstr("another application"));
}

TEST_F(MigratorTest, rejects_a_misnumbered_list) {
    constexpr std::array<Migration, 2> gap {{three[0], three[2]}};
    auto applied = migrate(*db_, gap);
    ASSERT_FALSE(applied);
    EXPECT_EQ(applied.error().code, Errc::internal);
    EXPECT_FALSE(has_table(*db_, "a"));
}

TEST(SchemaMigrations, are_numbered_from_one_and_create_every_table) {
    const auto migrations = schema_migrations();
    ASSERT_FALSE(migrations.empty());
    for (std::size_t i = 0; i < migrations.size(); i++) {
        EXPECT_EQ(migrations[i].version, static_cast<std::int64_t>(i + 1));
        EXPECT_FALSE(migrations[i].description.empty());
    }
    TempDir dir;
    auto db = Database::open(dir / "rocd.db");
    ASSERT_TRUE(db);
    ASSERT_EQ(migrate(*db, migrations).value(), static_cast<int>(migrations.size()));
    for (const char* table : {"peers", "ports", "streams"}) {
        EXPECT_TRUE(has_table(*db, table)) << table;
    }
    EXPECT_FALSE(has_table(*db, "settings"));
}

TEST(SchemaMigrations, version_3_keeps_the_peers_of_version_2) {
    TempDir dir;
    auto db = Database::open(dir / "rocd.db");
    ASSERT_TRUE(db);
    const auto migrations = schema_migrations();
    ASSERT_GE(migrations.size(), 3u);
    ASSERT_EQ(migrate(*db, migrations.first(2)).value(), 2);
    ASSERT_TRUE(db->exec("INSERT INTO peers (uid, display_name, is_self, created_at, updated_at) "
                         "VALUES ('aaaaaa-bbbbbb-cccccc', 'me', 1, 1, 2)"));
    ASSERT_EQ(migrate(*db, migrations).value(), static_cast<int>(migrations.size()) - 2);
    PeerRepository peers(*db, [] { return Timestamp(std::chrono::milliseconds(5)); });
    auto self = peers.self();
    ASSERT_TRUE(self) << self.error().message;
    EXPECT_EQ(self->display_name, "me");
    EXPECT_FALSE(self->key);
    EXPECT_FALSE(self->trust);
    EXPECT_TRUE(self->addresses.empty());
    // The schema refuses what the peer protocol never stores.
    EXPECT_FALSE(db->exec("UPDATE peers SET trust = 'pairing'"));
    EXPECT_FALSE(db->exec("UPDATE peers SET addresses = '{}'"));
    EXPECT_FALSE(db->exec("UPDATE peers SET public_key = 'short'"));
}

} // namespace
} // namespace rocd::store
