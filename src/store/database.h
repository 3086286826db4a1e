// RAII connection to the daemon's SQLite database.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include "core/error.h"
#include "store/statement.h"

struct sqlite3;

namespace rocd::store {

/// One open SQLite connection, closed on destruction.
///
/// Opening is careful not to damage what it finds: a file that is not a
/// SQLite database, or that cannot be read or written, makes open() fail with
/// a message naming the file; the file is never recreated or truncated.
///
/// The connection is configured for crash safety: foreign keys enforced,
/// synchronous=FULL (each commit is fsync'ed before it returns) and, after
/// enable_wal(), write-ahead logging. A connection is used by one thread at a
/// time (rocd's control plane is single-threaded); it has no locking of its own.
class Database {
public:
    /// How long a statement waits for a lock held by another connection (e.g.
    /// an operator's `sqlite3` shell) before failing with Errc::unavailable.
    static constexpr int busy_timeout_ms = 1000;

    /// Opens (creating if absent) the database file at `path` and checks that
    /// it is a readable and writable SQLite database. Changes nothing in an
    /// existing file: call enable_wal() once the schema version is known to
    /// be acceptable.
    static Result<Database> open(const std::filesystem::path& path);

    /// Opens an existing database file for reading only (repair reads a
    /// damaged file this way: nothing it does can change that file).
    static Result<Database> open_read_only(const std::filesystem::path& path);

    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    /// Switches the file to write-ahead logging (persistent; a no-op if it
    /// already is). Fails if the file system cannot do WAL.
    Status enable_wal();

    /// Runs one or more SQL statements that return no rows.
    Status exec(std::string_view sql);

    /// Compiles one SQL statement.
    Result<Statement> prepare(std::string_view sql);

    /// PRAGMA user_version: the schema version rocd records in the file header.
    Result<std::int64_t> user_version();

    /// PRAGMA application_id: 0 for a file never claimed by an application.
    Result<std::int64_t> application_id();

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    std::int64_t changes() const;

    /// True while an explicit transaction is open on this connection.
    bool in_transaction() const;

    const std::filesystem::path& path() const { return path_; }

private:
    Database(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

    static Result<Database> open_connection(const std::filesystem::path& path, bool read_only);
    Result<std::int64_t> pragma_int(std::string_view name);

    sqlite3* db_ = nullptr;
    std::filesystem::path path_;
};

} // namespace rocd::store
