// Helpers shared by the repositories (internal to the store module).
#pragma once

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/error.h"
#include "core/uid.h"
#include "store/statement.h"
#include "store/timestamp.h"

namespace rocd::store::rows {

inline std::int64_t to_millis(Timestamp t) {
    return t.time_since_epoch().count();
}

/// A timestamp column. A value the system clock cannot hold (past the year
/// 2262 in nanoseconds) was edited by hand; it is clamped so that converting
/// it for display cannot overflow.
inline Timestamp column_timestamp(const Statement& stmt, int column) {
    using std::chrono::milliseconds;
    constexpr auto lowest = std::chrono::floor<milliseconds>(std::chrono::system_clock::time_point::min());
    constexpr auto highest = std::chrono::floor<milliseconds>(std::chrono::system_clock::time_point::max());
    const auto value = Timestamp(milliseconds(stmt.column_int(column)));
    return std::clamp(value, lowest + milliseconds(1), highest);
}

/// A uid column; a malformed value means the file was edited by hand.
inline Result<Uid> column_uid(const Statement& stmt, int column) {
    const std::string text = stmt.column_text(column);
    auto uid = Uid::parse(text);
    if (!uid) {
        return fail(Errc::io, "state database holds a malformed uid '" + text + "'");
    }
    return uid;
}

/// Prefixes an error's message with what the caller was doing.
inline Error in_context(Error error, std::string_view context) {
    error.message = std::string(context) + ": " + error.message;
    return error;
}

/// The rows of a query, each converted by `read(stmt) -> Result<T>`.
template <class Read>
auto fetch_all(Statement& stmt, Read read)
    -> Result<std::vector<typename std::invoke_result_t<Read, const Statement&>::value_type>> {
    using T = typename std::invoke_result_t<Read, const Statement&>::value_type;
    std::vector<T> out;
    while (true) {
        auto row = stmt.step();
        if (!row) {
            return tl::unexpected(row.error());
        }
        if (!*row) {
            return out;
        }
        auto value = read(stmt);
        if (!value) {
            stmt.reset();
            return tl::unexpected(value.error());
        }
        out.push_back(std::move(*value));
    }
}

/// The single row of a query (or of a statement with RETURNING), or nullopt.
/// Steps the statement to its end, so that a write it makes is committed, and
/// reports the commit's failure, before returning.
template <class Read>
auto fetch_one(Statement& stmt, Read read)
    -> Result<std::optional<typename std::invoke_result_t<Read, const Statement&>::value_type>> {
    using T = typename std::invoke_result_t<Read, const Statement&>::value_type;
    auto row = stmt.step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    if (!*row) {
        return std::optional<T>();
    }
    auto value = read(stmt);
    if (!value) {
        stmt.reset();
        return tl::unexpected(value.error());
    }
    auto end = stmt.step();
    if (!end) {
        return tl::unexpected(end.error());
    }
    if (*end) {
        stmt.reset();
        return fail(Errc::internal, "query expected to return one row returned several");
    }
    return std::optional<T>(std::move(*value));
}

} // namespace rocd::store::rows
