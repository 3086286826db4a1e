#include "store/statement.h"

#include <sqlite3.h>

#include "store/sqlite_error.h"

namespace rocd::store {

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), bind_error_(std::move(other.bind_error_)) {
    other.db_ = nullptr;
    other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(stmt_);
        db_ = other.db_;
        stmt_ = other.stmt_;
        bind_error_ = std::move(other.bind_error_);
        other.db_ = nullptr;
        other.stmt_ = nullptr;
    }
    return *this;
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

void Statement::record_bind_error(int rc, int index) {
    if (rc != SQLITE_OK && !bind_error_) {
        bind_error_ = sqlite_error(db_, rc, "binding parameter " + std::to_string(index));
    }
}

Statement& Statement::bind_int(int index, std::int64_t value) {
    record_bind_error(sqlite3_bind_int64(stmt_, index, value), index);
    return *this;
}

Statement& Statement::bind_real(int index, double value) {
    record_bind_error(sqlite3_bind_double(stmt_, index, value), index);
    return *this;
}

Statement& Statement::bind_text(int index, std::string_view value) {
    record_bind_error(
        sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
    return *this;
}

Statement& Statement::bind_null(int index) {
    record_bind_error(sqlite3_bind_null(stmt_, index), index);
    return *this;
}

Statement& Statement::bind_column(int index, const Statement& from, int column) {
    record_bind_error(sqlite3_bind_value(stmt_, index, sqlite3_column_value(from.stmt_, column)), index);
    return *this;
}

Result<bool> Statement::step() {
    if (bind_error_) {
        return tl::unexpected(*bind_error_);
    }
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    Error error = sqlite_error(db_, rc, "executing statement");
    // A failed statement must be reset before the connection is reused, and
    // the reset also releases the locks the statement held.
    sqlite3_reset(stmt_);
    return tl::unexpected(std::move(error));
}

Status Statement::run() {
    while (true) {
        auto row = step();
        if (!row) {
            return tl::unexpected(row.error());
        }
        if (!*row) {
            sqlite3_reset(stmt_);
            return {};
        }
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_);
}

std::int64_t Statement::column_int(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

double Statement::column_real(int column) const {
    return sqlite3_column_double(stmt_, column);
}

std::string Statement::column_text(int column) const {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    const int size = sqlite3_column_bytes(stmt_, column);
    return text != nullptr ? std::string(text, static_cast<std::size_t>(size)) : std::string();
}

bool Statement::column_is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string_view Statement::sql() const {
    const char* text = stmt_ != nullptr ? sqlite3_sql(stmt_) : nullptr;
    return text != nullptr ? std::string_view(text) : std::string_view();
}

int Statement::column_count() const {
    return sqlite3_column_count(stmt_);
}

} // namespace rocd::store
