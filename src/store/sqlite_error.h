// Maps SQLite result codes to rocd errors (internal to the store module).
#pragma once

#include <string_view>

#include "core/error.h"

struct sqlite3;

namespace rocd::store {

/// The Errc that an (extended) SQLite result code means to a caller:
/// busy/locked -> unavailable, unique/primary key violations -> conflict,
/// foreign key violations -> not_found, other constraint violations ->
/// invalid_argument, everything else -> io.
Errc errc_from_sqlite(int rc);

/// An Error for a failed SQLite call: "<what>: <sqlite message>", with the
/// code from errc_from_sqlite. `db` may be null (the message then comes from
/// the result code alone).
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

} // namespace rocd::store
