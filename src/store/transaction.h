// RAII write transaction.
#pragma once

#include "core/error.h"

namespace rocd::store {

class Database;

/// A write transaction (BEGIN IMMEDIATE) on a Database: rolled back on
/// destruction unless commit() succeeded. Groups several repository calls
/// into one atomic, durable change; single repository calls outside a
/// Transaction are committed on their own before they return.
///
/// Transactions do not nest: begin() fails while one is open.
class Transaction {
public:
    /// Starts the transaction, taking SQLite's write lock at once so that a
    /// conflicting writer is detected here rather than at commit.
    static Result<Transaction> begin(Database& db);

    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    /// Commits; when this returns success the change is on disk (fsync'ed).
    /// On failure the transaction is rolled back.
    Status commit();

    /// Discards every change made since begin().
    void rollback();

private:
    explicit Transaction(Database& db) : db_(&db) {}

    Database* db_ = nullptr; // null once committed or rolled back
};

} // namespace rocd::store
