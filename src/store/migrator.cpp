#include "store/migrator.h"

#include <string>

#include "store/database.h"
#include "store/transaction.h"

namespace rocd::store {

namespace {

Status check_numbering(std::span<const Migration> migrations) {
    for (std::size_t i = 0; i < migrations.size(); i++) {
        if (migrations[i].version != static_cast<std::int64_t>(i + 1)) {
            return fail(Errc::internal, "migration #" + std::to_string(i) + " has version " +
                                            std::to_string(migrations[i].version) + ", expected " +
                                            std::to_string(i + 1));
        }
    }
    return {};
}

Result<bool> has_tables(Database& db) {
    auto stmt = db.prepare("SELECT EXISTS (SELECT 1 FROM sqlite_schema)");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    return *row && stmt->column_bool(0);
}

} // namespace

Status check_schema(Database& db, std::span<const Migration> migrations) {
    const std::string name = db.path().string();
    auto app_id = db.application_id();
    if (!app_id) {
        return tl::unexpected(app_id.error());
    }
    auto version = db.user_version();
    if (!version) {
        return tl::unexpected(version.error());
    }
    if (*app_id != 0 && *app_id != rocd_application_id) {
        return fail(Errc::io, "state database " + name + " belongs to another application (application_id " +
                                  std::to_string(*app_id) + "); rocd leaves it untouched");
    }
    if (*app_id == 0 && *version == 0) {
        // Never claimed by rocd: it must be empty, or it is someone else's.
        auto tables = has_tables(db);
        if (!tables) {
            return tl::unexpected(tables.error());
        }
        if (*tables) {
            return fail(Errc::io, "state database " + name +
                                      " is a SQLite database that rocd did not create; rocd leaves it "
                                      "untouched");
        }
    }
    const auto known = static_cast<std::int64_t>(migrations.size());
    if (*version > known) {
        return fail(Errc::unsupported, "state database " + name + " has schema version " +
                                           std::to_string(*version) + ", newer than version " +
                                           std::to_string(known) +
                                           " that this rocd knows; it was written by a newer rocd. "
                                           "rocd leaves it untouched: run a newer rocd or use another "
                                           "state directory");
    }
    return {};
}

Result<int> migrate(Database& db, std::span<const Migration> migrations) {
    if (auto numbered = check_numbering(migrations); !numbered) {
        return tl::unexpected(numbered.error());
    }
    auto txn = Transaction::begin(db);
    if (!txn) {
        return tl::unexpected(txn.error());
    }
    // Checked again under the write lock: the file cannot change under us now.
    if (auto checked = check_schema(db, migrations); !checked) {
        return tl::unexpected(checked.error());
    }
    auto version = db.user_version();
    if (!version) {
        return tl::unexpected(version.error());
    }
    int applied = 0;
    for (const Migration& migration : migrations) {
        if (migration.version <= *version) {
            continue;
        }
        if (auto done = db.exec(migration.sql); !done) {
            return fail(done.error().code, "schema migration " + std::to_string(migration.version) + " (" +
                                               std::string(migration.description) + ") of " +
                                               db.path().string() +
                                               " failed, nothing was changed: " + done.error().message);
        }
        applied++;
    }
    if (applied == 0) {
        return 0;
    }
    // Both pragmas write the file header, which is part of the transaction.
    const std::string record = "PRAGMA user_version = " + std::to_string(migrations.back().version) +
                               "; PRAGMA application_id = " + std::to_string(rocd_application_id) + ";";
    if (auto done = db.exec(record); !done) {
        return tl::unexpected(done.error());
    }
    if (auto done = txn->commit(); !done) {
        return tl::unexpected(done.error());
    }
    return applied;
}

} // namespace rocd::store
