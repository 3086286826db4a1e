#include "store/integrity.h"

#include <vector>

namespace rocd::store {

namespace {

// SQLite lists up to 100 problems by default; the first few locate the damage.
constexpr std::size_t problems_shown = 3;

// The uid form (core/uid.h) in SQL: GLOB matches the whole text, so the
// pattern fixes the length too; typeof() keeps a BLOB of the same bytes out.
std::string is_uid(std::string_view column) {
    const std::string six = "[a-z0-9][a-z0-9][a-z0-9][a-z0-9][a-z0-9][a-z0-9]";
    const std::string col(column);
    return "(typeof(" + col + ") = 'text' AND " + col + " GLOB '" + six + "-" + six + "-" + six + "')";
}

struct KeyedTable {
    const char* table;
    std::vector<const char*> keys;
};

// Every column the repositories parse as a uid.
const std::vector<KeyedTable>& keyed_tables() {
    static const std::vector<KeyedTable> tables {
        {"peers", {"uid"}}, {"ports", {"uid", "peer_uid"}}, {"streams", {"uid"}}};
    return tables;
}

std::string bad_keys_condition(const KeyedTable& t) {
    std::string condition;
    for (const char* key : t.keys) {
        condition += (condition.empty() ? "NOT " : " OR NOT ") + is_uid(key);
    }
    return condition;
}

} // namespace

Status check_keys(Database& db) {
    std::vector<std::string> problems;
    std::size_t count = 0;
    for (const auto& t : keyed_tables()) {
        std::string sql = "SELECT rowid, quote(" + std::string(t.keys.front()) + ") FROM " + t.table +
                          " WHERE " + bad_keys_condition(t);
        auto stmt = db.prepare(sql);
        if (!stmt) {
            return tl::unexpected(stmt.error());
        }
        for (;;) {
            auto row = stmt->step();
            if (!row) {
                return tl::unexpected(row.error());
            }
            if (!*row) {
                break;
            }
            count++;
            if (problems.size() < problems_shown) {
                problems.push_back(std::string(t.table) + " row " + std::to_string(stmt->column_int(0)) +
                                   " (uid " + stmt->column_text(1) + ")");
            }
        }
    }
    if (count == 0) {
        return {};
    }
    std::string message = "state database " + db.path().string() + " holds " + std::to_string(count) +
                          " row" + (count == 1 ? "" : "s") + " whose key is not a uid: ";
    for (std::size_t i = 0; i < problems.size(); i++) {
        message += (i == 0 ? "" : "; ") + problems[i];
    }
    if (count > problems.size()) {
        message += "; ...";
    }
    message += "; " + repair_advice(db.path());
    return fail(Errc::io, std::move(message));
}

Result<std::int64_t> delete_rows_with_bad_keys(Database& db, std::string_view table) {
    for (const auto& t : keyed_tables()) {
        if (table != t.table) {
            continue;
        }
        if (auto done = db.exec("DELETE FROM " + std::string(t.table) + " WHERE " + bad_keys_condition(t));
            !done) {
            return tl::unexpected(done.error());
        }
        return db.changes();
    }
    return 0;
}

std::string repair_advice(const std::filesystem::path& path) {
    return "restore " + path.string() +
           " from a backup, or run 'rocd --repair-state' (with the same --state-dir) to copy what can "
           "still be read into a new database; the damaged file is kept beside it";
}

Status check_integrity(Database& db, IntegrityCheck check) {
    const char* pragma = check == IntegrityCheck::full ? "PRAGMA integrity_check" : "PRAGMA quick_check";
    auto stmt = db.prepare(pragma);
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    std::vector<std::string> problems;
    std::size_t count = 0;
    for (;;) {
        auto row = stmt->step();
        if (!row) {
            // The check itself could not walk the file: damaged beyond what
            // it reports row by row.
            return fail(Errc::io, "state database " + db.path().string() + " is damaged (" + pragma +
                                      " could not read it through); " + repair_advice(db.path()));
        }
        if (!*row) {
            break;
        }
        std::string line = stmt->column_text(0);
        if (line == "ok") {
            continue;
        }
        count++;
        if (problems.size() < problems_shown) {
            problems.push_back(std::move(line));
        }
    }
    if (count == 0) {
        return {};
    }
    std::string message = "state database " + db.path().string() + " is damaged (" + pragma + " found " +
                          std::to_string(count) + " problem" + (count == 1 ? "" : "s") + ": ";
    for (std::size_t i = 0; i < problems.size(); i++) {
        message += (i == 0 ? "" : "; ") + problems[i];
    }
    if (count > problems.size()) {
        message += "; ...";
    }
    message += "); " + repair_advice(db.path());
    return fail(Errc::io, std::move(message));
}

} // namespace rocd::store
