// `rocd --repair-state`: a new database from what a damaged one still holds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"

namespace rocd::store {

/// What the repair could copy from one table.
struct TableSalvage {
    std::string table;
    std::int64_t copied = 0;
    /// Rows read but refused by the schema or the daemon (a damaged value, a
    /// key that is not a uid, a port whose peer was lost).
    std::int64_t refused = 0;
    /// Damaged runs of the table (pages that could not be read) skipped.
    std::int64_t read_errors = 0;
    /// Reading stopped before the end of the table.
    bool incomplete = false;
};

struct RepairReport {
    /// Where the damaged database is kept (the state directory).
    std::filesystem::path damaged_copy;
    std::vector<TableSalvage> tables;
    /// False when this daemon's own peer row was lost: the next start makes
    /// a new peer uid, and other peers no longer recognise this one.
    bool identity_kept = false;
};

/// Copies every readable row of the state database in `dir` into a new one
/// at the same schema version, then swaps the files: the damaged database
/// (and its write-ahead log) is renamed to `rocd.db.damaged-<UTC time>` and
/// kept, the new one becomes `rocd.db`. Takes the state lock (fails if a
/// rocd runs there) and never writes the damaged file. Fails without
/// changing anything if the file cannot be read as a rocd database at all.
Result<RepairReport> repair_state(const std::filesystem::path& dir);

/// Completes the file swap of a repair that was interrupted (crash, kill -9)
/// after its new database was complete; a no-op when none was. Called with
/// the state lock held.
Status finish_interrupted_repair(const std::filesystem::path& dir);

} // namespace rocd::store
