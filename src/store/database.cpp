#include "store/database.h"

#include <string>

#include <sqlite3.h>

#include "store/integrity.h"
#include "store/sqlite_error.h"

namespace rocd::store {

namespace {

// Closes a connection that failed to open properly.
struct ConnectionGuard {
    sqlite3* db = nullptr;
    ~ConnectionGuard() { sqlite3_close_v2(db); }
    sqlite3* release() { return std::exchange(db, nullptr); }
};

} // namespace

Result<Database> Database::open_connection(const std::filesystem::path& path, bool read_only) {
    const std::string name = path.string();
    ConnectionGuard guard;
    // No SQLITE_OPEN_NOMUTEX: the cost is negligible and it keeps a misuse
    // from another thread from corrupting the connection.
    const int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(name.c_str(), &guard.db, flags, nullptr);
    if (rc != SQLITE_OK) {
        if (guard.db == nullptr) {
            return fail(Errc::io, "cannot open state database " + name + ": out of memory");
        }
        return fail(Errc::io, "cannot open state database " + name + ": " + sqlite3_errmsg(guard.db));
    }
    sqlite3_extended_result_codes(guard.db, 1);
    sqlite3_busy_timeout(guard.db, busy_timeout_ms);

    // SQLite opens lazily; reading the schema forces it to parse the file
    // header, which is where a non-database file is caught. Reading writes
    // nothing, so the file stays byte-identical when we refuse it.
    rc = sqlite3_exec(guard.db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
    if ((rc & 0xff) == SQLITE_NOTADB) {
        return fail(Errc::io,
                    "state database " + name +
                        " is not a SQLite database (or is encrypted); rocd leaves it untouched: move "
                        "it away or use another state directory");
    }
    if ((rc & 0xff) == SQLITE_CORRUPT) {
        return fail(Errc::io, "state database " + name +
                                  " is damaged; rocd leaves it untouched: " + repair_advice(path));
    }
    if (rc != SQLITE_OK) {
        return fail(errc_from_sqlite(rc) == Errc::unavailable ? Errc::unavailable : Errc::io,
                    "cannot read state database " + name + ": " + sqlite3_errmsg(guard.db));
    }
    if (read_only) {
        return Database(guard.release(), path);
    }
    // Without write permission SQLite silently falls back to read-only; rocd
    // must be able to commit every change it acknowledges, so refuse now.
    if (sqlite3_db_readonly(guard.db, "main") == 1) {
        return fail(Errc::io, "state database " + name +
                                  " is read-only (check its permissions and owner); rocd needs to write it");
    }

    Database db(guard.release(), path);
    if (auto done = db.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;"); !done) {
        return tl::unexpected(done.error());
    }
    return db;
}

Result<Database> Database::open(const std::filesystem::path& path) {
    return open_connection(path, false);
}

Result<Database> Database::open_read_only(const std::filesystem::path& path) {
    return open_connection(path, true);
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(db_);
        db_ = std::exchange(other.db_, nullptr);
        path_ = std::move(other.path_);
    }
    return *this;
}

Database::~Database() {
    // close_v2 defers the close until outstanding statements are finalized,
    // so destruction order between a Database and its Statements is free.
    sqlite3_close_v2(db_);
}

Status Database::enable_wal() {
    auto stmt = prepare("PRAGMA journal_mode = WAL");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    auto row = stmt->step();
    if (!row) {
        return fail(row.error().code,
                    "cannot switch " + path_.string() + " to write-ahead logging: " + row.error().message);
    }
    const std::string mode = *row ? stmt->column_text(0) : std::string();
    if (mode != "wal") {
        return fail(Errc::io, "cannot switch " + path_.string() +
                                  " to write-ahead logging (journal mode stays '" + mode +
                                  "'); is the state directory on a network file system?");
    }
    return {};
}

Status Database::exec(std::string_view sql) {
    // sqlite3_exec wants a NUL-terminated string.
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        return fail(errc_from_sqlite(rc), std::move(detail));
    }
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return tl::unexpected(sqlite_error(db_, rc, "preparing \"" + std::string(sql) + "\""));
    }
    return Statement(db_, stmt);
}

Result<std::int64_t> Database::pragma_int(std::string_view name) {
    auto stmt = prepare("PRAGMA " + std::string(name));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    if (!*row) {
        return fail(Errc::internal, "PRAGMA " + std::string(name) + " returned no row");
    }
    return stmt->column_int(0);
}

Result<std::int64_t> Database::user_version() {
    return pragma_int("user_version");
}

Result<std::int64_t> Database::application_id() {
    return pragma_int("application_id");
}

std::int64_t Database::changes() const {
    return sqlite3_changes64(db_);
}

bool Database::in_transaction() const {
    return sqlite3_get_autocommit(db_) == 0;
}

} // namespace rocd::store
