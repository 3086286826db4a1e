#include "store/peer_repository.h"

#include "store/database.h"
#include "store/rows.h"

namespace rocd::store {

namespace {

constexpr std::string_view columns = "uid, display_name, is_self, created_at, updated_at";

Result<PeerRecord> read_peer(const Statement& stmt) {
    auto uid = rows::column_uid(stmt, 0);
    if (!uid) {
        return tl::unexpected(uid.error());
    }
    return PeerRecord {{*uid, stmt.column_text(1), stmt.column_bool(2)},
                       rows::column_timestamp(stmt, 3),
                       rows::column_timestamp(stmt, 4)};
}

Result<PeerRecord> one_peer(Database& db, std::string_view sql, const Uid* uid, std::string_view missing) {
    auto stmt = db.prepare(sql);
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    if (uid != nullptr) {
        stmt->bind_text(1, uid->str());
    }
    auto peer = rows::fetch_one(*stmt, read_peer);
    if (!peer) {
        return tl::unexpected(peer.error());
    }
    if (!*peer) {
        return fail(Errc::not_found, std::string(missing));
    }
    return std::move(**peer);
}

} // namespace

Result<PeerRecord> PeerRepository::self() {
    const std::string sql = "SELECT " + std::string(columns) + " FROM peers WHERE is_self = 1";
    return one_peer(*db_, sql, nullptr, "this daemon's own peer is not in the state database");
}

Result<PeerRecord> PeerRepository::get(const Uid& uid) {
    const std::string sql = "SELECT " + std::string(columns) + " FROM peers WHERE uid = ?1";
    return one_peer(*db_, sql, &uid, "peer " + uid.str() + " not found");
}

Result<std::vector<PeerRecord>> PeerRepository::list() {
    auto stmt = db_->prepare("SELECT " + std::string(columns) + " FROM peers ORDER BY created_at, rowid");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    return rows::fetch_all(*stmt, read_peer);
}

Result<PeerRecord> PeerRepository::put(const PeerRecord& peer) {
    auto stmt = db_->prepare(
        "INSERT INTO peers (uid, display_name, is_self, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4) "
        "ON CONFLICT (uid) DO UPDATE SET display_name = excluded.display_name, is_self = excluded.is_self, "
        "updated_at = excluded.updated_at RETURNING " +
        std::string(columns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, peer.uid.str())
        .bind_text(2, peer.display_name)
        .bind_bool(3, peer.is_self)
        .bind_int(4, rows::to_millis(clock_()));
    auto stored = rows::fetch_one(*stmt, read_peer);
    if (!stored) {
        if (stored.error().code == Errc::conflict) {
            return fail(Errc::conflict,
                        "cannot store peer " + peer.uid.str() + " as self: another peer is self", "is_self");
        }
        return tl::unexpected(rows::in_context(stored.error(), "cannot store peer " + peer.uid.str()));
    }
    if (!*stored) {
        return fail(Errc::internal, "storing peer " + peer.uid.str() + " returned no row");
    }
    return std::move(**stored);
}

Result<PeerRecord> PeerRepository::update_display_name(const Uid& uid, std::string_view display_name) {
    auto stmt = db_->prepare("UPDATE peers SET display_name = ?2, updated_at = ?3 WHERE uid = ?1 RETURNING " +
                             std::string(columns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, uid.str()).bind_text(2, display_name).bind_int(3, rows::to_millis(clock_()));
    auto stored = rows::fetch_one(*stmt, read_peer);
    if (!stored) {
        return tl::unexpected(rows::in_context(stored.error(), "cannot rename peer " + uid.str()));
    }
    if (!*stored) {
        return fail(Errc::not_found, "peer " + uid.str() + " not found");
    }
    return std::move(**stored);
}

Status PeerRepository::remove(const Uid& uid) {
    auto stmt = db_->prepare("DELETE FROM peers WHERE uid = ?1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, uid.str());
    if (auto done = stmt->run(); !done) {
        return tl::unexpected(rows::in_context(done.error(), "cannot remove peer " + uid.str()));
    }
    if (db_->changes() == 0) {
        return fail(Errc::not_found, "peer " + uid.str() + " not found");
    }
    return {};
}

} // namespace rocd::store
