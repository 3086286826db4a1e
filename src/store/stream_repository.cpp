#include "store/stream_repository.h"

#include "store/database.h"
#include "store/rows.h"
#include "store/transaction.h"

namespace rocd::store {

namespace {

constexpr std::string_view stream_columns = "uid, spec, created_at, updated_at";

Result<StreamRecord> read_stream(const Statement& stmt) {
    auto uid = rows::column_uid(stmt, 0);
    if (!uid) {
        return tl::unexpected(uid.error());
    }
    return StreamRecord {*uid, stmt.column_text(1), rows::column_timestamp(stmt, 2),
                         rows::column_timestamp(stmt, 3)};
}

// The only CHECK on streams is json_valid(spec).
Error spec_error(Error error, const Uid& uid, std::string_view action) {
    if (error.code == Errc::invalid_argument) {
        return Error {Errc::invalid_argument,
                      "cannot " + std::string(action) + " stream " + uid.str() + ": spec is not valid JSON",
                      "spec"};
    }
    return rows::in_context(std::move(error), "cannot " + std::string(action) + " stream " + uid.str());
}

} // namespace

Result<StreamRecord> StreamRepository::get(const Uid& uid) {
    auto stmt = db_->prepare("SELECT " + std::string(stream_columns) + " FROM streams WHERE uid = ?1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, uid.str());
    auto stream = rows::fetch_one(*stmt, read_stream);
    if (!stream) {
        return tl::unexpected(stream.error());
    }
    if (!*stream) {
        return fail(Errc::not_found, "stream " + uid.str() + " not found");
    }
    return std::move(**stream);
}

Result<std::vector<StreamRecord>> StreamRepository::list() {
    auto stmt =
        db_->prepare("SELECT " + std::string(stream_columns) + " FROM streams ORDER BY created_at, rowid");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    return rows::fetch_all(*stmt, read_stream);
}

Result<StreamRecord> StreamRepository::insert(const StreamRecord& stream) {
    auto stmt = db_->prepare("INSERT INTO streams (" + std::string(stream_columns) +
                             ") VALUES (?1, ?2, ?3, ?3) RETURNING " + std::string(stream_columns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, stream.uid.str()).bind_text(2, stream.spec).bind_int(3, rows::to_millis(clock_()));
    auto stored = rows::fetch_one(*stmt, read_stream);
    if (!stored) {
        if (stored.error().code == Errc::conflict) {
            return fail(Errc::conflict, "stream " + stream.uid.str() + " already exists", "stream_uid");
        }
        return tl::unexpected(spec_error(stored.error(), stream.uid, "add"));
    }
    if (!*stored) {
        return fail(Errc::internal, "adding stream " + stream.uid.str() + " returned no row");
    }
    return std::move(**stored);
}

Result<StreamRecord> StreamRepository::update(const StreamRecord& stream) {
    auto stmt = db_->prepare("UPDATE streams SET spec = ?2, updated_at = ?3 WHERE uid = ?1 RETURNING " +
                             std::string(stream_columns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, stream.uid.str()).bind_text(2, stream.spec).bind_int(3, rows::to_millis(clock_()));
    auto stored = rows::fetch_one(*stmt, read_stream);
    if (!stored) {
        return tl::unexpected(spec_error(stored.error(), stream.uid, "update"));
    }
    if (!*stored) {
        return fail(Errc::not_found, "stream " + stream.uid.str() + " not found");
    }
    return std::move(**stored);
}

Status StreamRepository::remove(const Uid& uid) {
    auto stmt = db_->prepare("DELETE FROM streams WHERE uid = ?1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, uid.str());
    if (auto done = stmt->run(); !done) {
        return tl::unexpected(rows::in_context(done.error(), "cannot remove stream " + uid.str()));
    }
    if (db_->changes() == 0) {
        return fail(Errc::not_found, "stream " + uid.str() + " not found");
    }
    return {};
}

Status StreamRepository::remove_keeping_tombstone(const Uid& uid) {
    auto tx = Transaction::begin(*db_);
    if (!tx) {
        return tl::unexpected(tx.error());
    }
    if (auto removed = remove(uid); !removed) {
        return removed;
    }
    auto stmt =
        db_->prepare("INSERT OR REPLACE INTO stream_tombstones (stream_uid, deleted_at) VALUES (?1, ?2)");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, uid.str()).bind_int(2, rows::to_millis(clock_()));
    if (auto done = stmt->run(); !done) {
        return tl::unexpected(
            rows::in_context(done.error(), "cannot keep the tombstone of stream " + uid.str()));
    }
    return tx->commit();
}

Result<bool> StreamRepository::has_tombstone(const Uid& uid) {
    auto stmt = db_->prepare("SELECT 1 FROM stream_tombstones WHERE stream_uid = ?1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, uid.str());
    auto found = rows::fetch_one(*stmt, [](const Statement&) -> Result<bool> { return true; });
    if (!found) {
        return tl::unexpected(found.error());
    }
    return found->has_value();
}

Status StreamRepository::forget_tombstones(Timestamp before) {
    auto stmt = db_->prepare("DELETE FROM stream_tombstones WHERE deleted_at < ?1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_int(1, rows::to_millis(before));
    if (auto done = stmt->run(); !done) {
        return tl::unexpected(rows::in_context(done.error(), "cannot forget old stream tombstones"));
    }
    return {};
}

} // namespace rocd::store
