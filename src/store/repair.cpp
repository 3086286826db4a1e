#include "store/repair.h"

#include <ctime>
#include <fstream>
#include <limits>

#include "store/database.h"
#include "store/integrity.h"
#include "store/migrations.h"
#include "store/migrator.h"
#include "store/state_files.h"
#include "store/state_lock.h"
#include "store/store.h"
#include "store/transaction.h"

namespace rocd::store {

namespace {

constexpr const char* repaired_file = "rocd.db.repair";
// Names the damaged copy while the files are being swapped.
constexpr const char* swap_marker_file = "rocd.db.repair-swap";
constexpr const char* damaged_prefix = "rocd.db.damaged-";

// A damaged page hides a run of rowids: the scan steps over it one rowid at
// a time, and gives the table up after this many steps without a row.
constexpr std::int64_t max_skipped_rowids = 100'000;

std::filesystem::path with_suffix(const std::filesystem::path& path, const char* suffix) {
    return path.string() + suffix;
}

std::string utc_stamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm {};
    ::gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof(buffer), "%Y%m%dT%H%M%SZ", &tm);
    return buffer;
}

std::string quoted(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

Result<std::vector<std::string>> table_names(Database& db) {
    // sqlite_schema's rowid order is creation order: a table comes after
    // those it refers to, so its rows find their parents already copied.
    auto stmt = db.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    std::vector<std::string> names;
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            return tl::unexpected(row.error());
        }
        if (!*row) {
            return names;
        }
        names.push_back(stmt->column_text(0));
    }
}

// Copies the rows of `table` one at a time by rowid, so that a damaged page
// costs the rows on it and not the rest of the table.
TableSalvage copy_table(Database& from, Database& to, const std::string& table) {
    TableSalvage out;
    out.table = table;
    auto next =
        from.prepare("SELECT rowid FROM " + quoted(table) + " WHERE rowid > ?1 ORDER BY rowid LIMIT 1");
    auto read = from.prepare("SELECT * FROM " + quoted(table) + " WHERE rowid = ?1");
    if (!next || !read) {
        out.read_errors = 1;
        out.incomplete = true;
        return out;
    }
    std::int64_t cursor = std::numeric_limits<std::int64_t>::min();
    std::int64_t skipped = 0;
    for (;;) {
        next->reset();
        auto found = next->bind_int(1, cursor).step();
        if (!found) {
            if (skipped == 0) {
                out.read_errors++; // a new damaged run begins
            }
            if (++skipped > max_skipped_rowids || cursor == std::numeric_limits<std::int64_t>::max()) {
                out.incomplete = true;
                return out;
            }
            cursor++;
            continue;
        }
        if (!*found) {
            return out;
        }
        skipped = 0;
        cursor = next->column_int(0);
        read->reset();
        auto row = read->bind_int(1, cursor).step();
        if (!row || !*row) {
            out.read_errors++;
            continue;
        }
        std::string sql = "INSERT INTO " + quoted(table) + " VALUES (";
        for (int i = 0; i < read->column_count(); i++) {
            sql += i == 0 ? "?" : ", ?";
        }
        sql += ")";
        auto insert = to.prepare(sql);
        if (!insert) {
            out.refused++;
            continue;
        }
        for (int i = 0; i < read->column_count(); i++) {
            insert->bind_column(i + 1, *read, i);
        }
        if (insert->run()) {
            out.copied++;
        } else {
            out.refused++;
        }
    }
}

Result<bool> has_self_peer(Database& db) {
    auto stmt = db.prepare("SELECT count(*) FROM peers WHERE is_self = 1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    return *row && stmt->column_int(0) == 1;
}

// Builds the new database beside the damaged one; returns the salvage
// figures. Leaves a complete, closed file at `target`.
Result<RepairReport> salvage(const std::filesystem::path& source, const std::filesystem::path& target) {
    auto damaged = Database::open_read_only(source);
    if (!damaged) {
        return fail(Errc::io, "nothing in " + source.string() + " can be read as a database (" +
                                  damaged.error().message +
                                  "); restore it from a backup, or move it away to start with an empty "
                                  "state and a new peer uid");
    }
    auto app_id = damaged->application_id();
    auto version = damaged->user_version();
    if (!app_id || !version) {
        return fail(Errc::io, "the header of " + source.string() +
                                  " cannot be read; restore it from a backup, or move it away to start "
                                  "with an empty state and a new peer uid");
    }
    const auto migrations = schema_migrations();
    if (*app_id != rocd_application_id || *version < 1) {
        return fail(Errc::io, source.string() +
                                  " does not hold rocd state (no rocd schema in its header); there is "
                                  "nothing to repair: restore it from a backup, or move it away to start "
                                  "with an empty state and a new peer uid");
    }
    if (*version > static_cast<std::int64_t>(migrations.size())) {
        return fail(Errc::unsupported, source.string() + " was written by a newer rocd (schema version " +
                                           std::to_string(*version) + "); repair it with that rocd");
    }

    for (const char* suffix : {"", "-journal"}) {
        if (auto removed = remove_if_present(with_suffix(target, suffix)); !removed) {
            return tl::unexpected(removed.error());
        }
    }
    RepairReport report;
    {
        auto fresh = Database::open(target);
        if (!fresh) {
            return tl::unexpected(fresh.error());
        }
        // The same schema version as the damaged file: the columns line up,
        // and the next start migrates as it would have.
        if (auto migrated = migrate(*fresh, migrations.first(static_cast<std::size_t>(*version)));
            !migrated) {
            return tl::unexpected(migrated.error());
        }
        auto tables = table_names(*fresh);
        if (!tables) {
            return tl::unexpected(tables.error());
        }
        auto txn = Transaction::begin(*fresh);
        if (!txn) {
            return tl::unexpected(txn.error());
        }
        for (const std::string& table : *tables) {
            report.tables.push_back(copy_table(*damaged, *fresh, table));
        }
        // Rows SQLite reads but the daemon could not use; dependants first.
        for (auto salvage = report.tables.rbegin(); salvage != report.tables.rend(); ++salvage) {
            auto dropped = delete_rows_with_bad_keys(*fresh, salvage->table);
            if (!dropped) {
                return tl::unexpected(dropped.error());
            }
            salvage->copied -= *dropped;
            salvage->refused += *dropped;
        }
        if (auto done = txn->commit(); !done) {
            return tl::unexpected(done.error());
        }
        if (auto checked = check_integrity(*fresh, IntegrityCheck::full); !checked) {
            return tl::unexpected(checked.error());
        }
        auto self = has_self_peer(*fresh);
        if (!self) {
            return tl::unexpected(self.error());
        }
        report.identity_kept = *self;
    }
    return report;
}

// The swap, safe to run again from any point it may have stopped at: the
// marker names the damaged copy, and each step is done only if still due.
Status swap_files(const std::filesystem::path& dir, const std::filesystem::path& damaged) {
    const auto db = dir / Store::database_file;
    const auto repaired = dir / repaired_file;
    if (path_exists(repaired)) {
        // The log and journal belong to the damaged file: left beside the
        // new one, SQLite would replay them into it.
        for (const char* suffix : {"-wal", "-journal"}) {
            if (path_exists(with_suffix(db, suffix)) && !path_exists(with_suffix(damaged, suffix))) {
                if (auto moved = rename_path(with_suffix(db, suffix), with_suffix(damaged, suffix)); !moved) {
                    return moved;
                }
            }
        }
        if (auto removed = remove_if_present(with_suffix(db, "-shm")); !removed) {
            return removed;
        }
        if (path_exists(db)) {
            if (path_exists(damaged)) {
                return fail(Errc::io, "cannot finish the repair of " + db.string() + ": both it and " +
                                          damaged.string() + " exist; move one of them away");
            }
            if (auto moved = rename_path(db, damaged); !moved) {
                return moved;
            }
        }
        if (auto moved = rename_path(repaired, db); !moved) {
            return moved;
        }
        if (auto synced = sync_directory(dir); !synced) {
            return synced;
        }
    }
    if (auto removed = remove_if_present(dir / swap_marker_file); !removed) {
        return removed;
    }
    return sync_directory(dir);
}

} // namespace

Status finish_interrupted_repair(const std::filesystem::path& dir) {
    const auto marker = dir / swap_marker_file;
    if (!path_exists(marker)) {
        return {};
    }
    std::ifstream in(marker);
    std::string name;
    if (!in || !std::getline(in, name) || name.rfind(damaged_prefix, 0) != 0 ||
        name.find('/') != std::string::npos) {
        return fail(Errc::io, marker.string() +
                                  " (left by an interrupted 'rocd --repair-state') is unreadable; "
                                  "run 'rocd --repair-state' again");
    }
    return swap_files(dir, dir / name);
}

Result<RepairReport> repair_state(const std::filesystem::path& dir) {
    const auto db = dir / Store::database_file;
    if (!path_exists(dir / Store::lock_file) && !path_exists(db)) {
        return fail(Errc::not_found, "no rocd state in " + dir.string() + ": nothing to repair");
    }
    auto lock = StateLock::acquire(dir / Store::lock_file);
    if (!lock) {
        return tl::unexpected(lock.error());
    }
    if (auto finished = finish_interrupted_repair(dir); !finished) {
        return tl::unexpected(finished.error());
    }
    if (!path_exists(db)) {
        return fail(Errc::not_found, "no state database " + db.string() + ": nothing to repair");
    }
    auto report = salvage(db, dir / repaired_file);
    if (!report) {
        (void)remove_if_present(dir / repaired_file);
        return report;
    }
    std::string name = damaged_prefix + utc_stamp();
    for (int n = 2; path_exists(dir / name); n++) {
        name = damaged_prefix + utc_stamp() + "-" + std::to_string(n);
    }
    if (auto marked = write_file_atomically(dir / swap_marker_file, name + "\n"); !marked) {
        return tl::unexpected(marked.error());
    }
    report->damaged_copy = dir / name;
    if (auto swapped = swap_files(dir, report->damaged_copy); !swapped) {
        return tl::unexpected(swapped.error());
    }
    return report;
}

} // namespace rocd::store
