// Whether the state database can be trusted before the daemon builds on it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"
#include "store/database.h"

namespace rocd::store {

/// How thoroughly Store::open checks the file.
enum class IntegrityCheck {
    /// PRAGMA quick_check: every page and record well-formed; milliseconds
    /// for a daemon's state.
    quick,
    /// PRAGMA integrity_check: also that every index matches its table.
    full,
};

/// Runs the check; a damaged file fails with Errc::io naming the file, the
/// first problems SQLite found and what the operator can do.
Status check_integrity(Database& db, IntegrityCheck check);

/// Checks what SQLite cannot: every key the daemon reads back (peer, port
/// and stream uids, a port's peer) has the uid form. A file edited by hand
/// can hold anything there, and a daemon that started on it would fail on
/// every request that reads the row. Fails with Errc::io naming the file,
/// the first rows at fault and what the operator can do.
Status check_keys(Database& db);

/// Deletes the rows of `table` that check_keys() refuses (repair keeps only
/// what the daemon can use); returns how many it deleted. Call it for a
/// table's dependants first (streams, ports, then peers): a peer's ports
/// would go with it uncounted.
Result<std::int64_t> delete_rows_with_bad_keys(Database& db, std::string_view table);

/// What to tell an operator whose state database `path` is damaged.
std::string repair_advice(const std::filesystem::path& path);

} // namespace rocd::store
