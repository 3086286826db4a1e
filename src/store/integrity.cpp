#include "store/integrity.h"

#include <vector>

namespace rocd::store {

namespace {

// SQLite lists up to 100 problems by default; the first few locate the damage.
constexpr std::size_t problems_shown = 3;

} // namespace

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
