#include "store/stream_stop_repository.h"

#include "store/database.h"
#include "store/rows.h"

namespace rocd::store {

Status StreamStopRepository::add(const Uid& stream, const Uid& peer) {
    auto stmt = db_->prepare("INSERT OR IGNORE INTO stream_stops (stream_uid, peer_uid, created_at) "
                             "VALUES (?1, ?2, ?3)");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, stream.str()).bind_text(2, peer.str()).bind_int(3, rows::to_millis(clock_()));
    if (auto done = stmt->run(); !done) {
        return tl::unexpected(
            rows::in_context(done.error(), "cannot keep the stop of stream " + stream.str()));
    }
    return {};
}

Status StreamStopRepository::remove(const Uid& stream, const Uid& peer) {
    auto stmt = db_->prepare("DELETE FROM stream_stops WHERE stream_uid = ?1 AND peer_uid = ?2");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, stream.str()).bind_text(2, peer.str());
    if (auto done = stmt->run(); !done) {
        return tl::unexpected(
            rows::in_context(done.error(), "cannot forget the stop of stream " + stream.str()));
    }
    return {};
}

Result<std::vector<Uid>> StreamStopRepository::owed_to(const Uid& peer) {
    auto stmt =
        db_->prepare("SELECT stream_uid FROM stream_stops WHERE peer_uid = ?1 ORDER BY created_at, rowid");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, peer.str());
    return rows::fetch_all(*stmt, [](const Statement& row) { return rows::column_uid(row, 0); });
}

} // namespace rocd::store
