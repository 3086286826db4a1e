#include "store/sqlite_error.h"

#include <string>

#include <sqlite3.h>

#include "store/integrity.h"

namespace rocd::store {

Errc errc_from_sqlite(int rc) {
    switch (rc) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
        return Errc::conflict;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        // The row refers to one that does not exist.
        return Errc::not_found;
    default:
        break;
    }
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return Errc::unavailable;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
        return Errc::invalid_argument;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
        return Errc::internal;
    default:
        return Errc::io;
    }
}

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
    // sqlite3_errmsg describes the most recent call on the connection, which
    // is the one that returned rc as long as callers report failures at once.
    const char* detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    std::string message(what);
    message += ": ";
    message += detail;
    const int primary = rc & 0xff;
    if (db != nullptr && (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)) {
        // Damage found while running: the operator needs to know which file.
        const char* file = sqlite3_db_filename(db, "main");
        if (file != nullptr && *file != '\0') {
            message += " (" + repair_advice(file) + ")";
        }
    }
    return Error {errc_from_sqlite(rc), std::move(message), {}};
}

} // namespace rocd::store
