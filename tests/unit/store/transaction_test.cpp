#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/database.h"
#include "store/transaction.h"
#include "temp_dir.h"

namespace rocd::store {
namespace {

using test::TempDir;

std::int64_t count_rows(Database& db) {
    auto stmt = db.prepare("SELECT count(*) FROM t");
    EXPECT_TRUE(stmt && stmt->step().value());
    return stmt->column_int(0);
}

class TransactionTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = Database::open(dir_ / "t.db");
        ASSERT_TRUE(opened);
        db_ = std::make_unique<Database>(std::move(*opened));
        ASSERT_TRUE(db_->enable_wal());
        ASSERT_TRUE(db_->exec("CREATE TABLE t (x INTEGER)"));
    }

    TempDir dir_;
    std::unique_ptr<Database> db_;
};

TEST_F(TransactionTest, commit_keeps_every_change) {
    auto txn = Transaction::begin(*db_);
    ASSERT_TRUE(txn);
    EXPECT_TRUE(db_->in_transaction());
    ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);"));
    ASSERT_TRUE(txn->commit());
    EXPECT_FALSE(db_->in_transaction());
    EXPECT_EQ(count_rows(*db_), 2);
}

TEST_F(TransactionTest, destruction_without_commit_rolls_back) {
    {
        auto txn = Transaction::begin(*db_);
        ASSERT_TRUE(txn);
        ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1)"));
    }
    EXPECT_FALSE(db_->in_transaction());
    EXPECT_EQ(count_rows(*db_), 0);
}

TEST_F(TransactionTest, explicit_rollback_discards_and_closes) {
    auto txn = Transaction::begin(*db_);
    ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1)"));
    txn->rollback();
    EXPECT_FALSE(db_->in_transaction());
    EXPECT_EQ(count_rows(*db_), 0);
    auto again = txn->commit();
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::internal);
}

TEST_F(TransactionTest, does_not_nest) {
    auto outer = Transaction::begin(*db_);
    ASSERT_TRUE(outer);
    auto inner = Transaction::begin(*db_);
    ASSERT_FALSE(inner);
    EXPECT_EQ(inner.error().code, Errc::internal);
    EXPECT_TRUE(db_->in_transaction());
}

TEST_F(TransactionTest, moved_transaction_commits_once) {
    auto txn = Transaction::begin(*db_);
    ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1)"));
    Transaction moved = std::move(*txn);
    ASSERT_TRUE(moved.commit());
    EXPECT_EQ(count_rows(*db_), 1);
}

TEST_F(TransactionTest, a_second_connection_waiting_for_the_write_lock_gets_unavailable) {
    auto other = Database::open(dir_ / "t.db");
    ASSERT_TRUE(other);
    auto txn = Transaction::begin(*db_);
    ASSERT_TRUE(txn);
    // Waits busy_timeout_ms (1 s) before giving up.
    auto blocked = Transaction::begin(*other);
    ASSERT_FALSE(blocked);
    EXPECT_EQ(blocked.error().code, Errc::unavailable);
}

} // namespace
} // namespace rocd::store
