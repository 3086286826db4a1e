#include "store/stream_reference_repository.h"

#include "store/database.h"
#include "store/rows.h"

namespace rocd::store {

Status StreamReferenceRepository::add(const StreamReferenceRecord& reference) {
    auto stmt = db_->prepare("INSERT OR IGNORE INTO stream_references "
                             "(stream_uid, source_uri, destination_uri, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, reference.stream.str())
        .bind_text(2, reference.source_uri)
        .bind_text(3, reference.destination_uri)
        .bind_int(4, rows::to_millis(clock_()));
    if (auto done = stmt->run(); !done) {
        return tl::unexpected(
            rows::in_context(done.error(), "cannot keep the reference of stream " + reference.stream.str()));
    }
    return {};
}

Status StreamReferenceRepository::remove(const Uid& stream) {
    auto stmt = db_->prepare("DELETE FROM stream_references WHERE stream_uid = ?1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, stream.str());
    if (auto done = stmt->run(); !done) {
        return tl::unexpected(
            rows::in_context(done.error(), "cannot forget the reference of stream " + stream.str()));
    }
    return {};
}

Result<std::vector<StreamReferenceRecord>> StreamReferenceRepository::list() {
    auto stmt = db_->prepare("SELECT stream_uid, source_uri, destination_uri FROM stream_references "
                             "ORDER BY created_at, rowid");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    return rows::fetch_all(*stmt, [](const Statement& row) -> Result<StreamReferenceRecord> {
        auto uid = rows::column_uid(row, 0);
        if (!uid) {
            return tl::unexpected(uid.error());
        }
        return StreamReferenceRecord {*uid, row.column_text(1), row.column_text(2)};
    });
}

} // namespace rocd::store
