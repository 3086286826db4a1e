// A prepared SQLite statement with typed binding and column access.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rocd::store {

/// One prepared statement; finalized on destruction. Parameters are numbered
/// from 1 (`?1`, `?2`...), result columns from 0, as in SQLite itself.
///
/// Binding never fails on its own: the first bind error is kept and returned
/// by the next step()/run(), so that call sites read as one chain:
///
///     stmt.bind_text(1, uid.str()).bind_int(2, channels);
///     if (auto done = stmt.run(); !done) return done;
class Statement {
public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind_int(int index, std::int64_t value);
    Statement& bind_real(int index, double value);
    Statement& bind_bool(int index, bool value) { return bind_int(index, value ? 1 : 0); }
    /// The text is copied by SQLite; `value` need not outlive the call.
    Statement& bind_text(int index, std::string_view value);
    Statement& bind_null(int index);
    /// Binds the value of `from`'s current row at `column`, whatever its type.
    Statement& bind_column(int index, const Statement& from, int column);

    /// Advances to the next row: true if a row is available, false when the
    /// statement has finished. A write outside an explicit Transaction is
    /// committed (and durable) when this returns false.
    Result<bool> step();

    /// Steps a statement that returns no rows until it finishes.
    Status run();

    /// Rewinds the statement so it can be stepped again; bindings are kept.
    void reset();

    std::int64_t column_int(int column) const;
    double column_real(int column) const;
    bool column_bool(int column) const { return column_int(column) != 0; }
    std::string column_text(int column) const;
    bool column_is_null(int column) const;
    int column_count() const;

    /// The SQL text the statement was prepared from, for error messages.
    std::string_view sql() const;

private:
    friend class Database;
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

    void record_bind_error(int rc, int index);

    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
    std::optional<Error> bind_error_;
};

} // namespace rocd::store
