#include "store/peer_repository.h"

#include <nlohmann/json.hpp>

#include "store/database.h"
#include "store/rows.h"

namespace rocd::store {

namespace {

constexpr std::string_view peer_columns =
    "uid, display_name, is_self, created_at, updated_at, public_key, trust, "
    "addresses, last_seen, protocol_version";

Result<PeerRecord> read_peer(const Statement& stmt) {
    auto uid = rows::column_uid(stmt, 0);
    if (!uid) {
        return tl::unexpected(uid.error());
    }
    PeerRecord peer {{*uid, stmt.column_text(1), stmt.column_bool(2)},
                     rows::column_timestamp(stmt, 3),
                     rows::column_timestamp(stmt, 4)};
    if (!stmt.column_is_null(5)) {
        // The fingerprint is the peer service's to derive.
        peer.key = PeerKey {stmt.column_text(5), {}};
    }
    if (!stmt.column_is_null(6)) {
        peer.trust = peer_trust_of(stmt.column_text(6));
    }
    // The schema checks it is a JSON array; anything but strings in it was
    // edited by hand and is skipped.
    const auto addresses = nlohmann::json::parse(stmt.column_text(7), nullptr, false);
    if (addresses.is_array()) {
        for (const auto& address : addresses) {
            if (address.is_string()) {
                peer.addresses.push_back(address.get<std::string>());
            }
        }
    }
    if (!stmt.column_is_null(8)) {
        peer.last_seen = rows::column_timestamp(stmt, 8);
    }
    if (!stmt.column_is_null(9)) {
        peer.protocol_version = static_cast<int>(stmt.column_int(9));
    }
    return peer;
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
    const std::string sql = "SELECT " + std::string(peer_columns) + " FROM peers WHERE is_self = 1";
    return one_peer(*db_, sql, nullptr, "this daemon's own peer is not in the state database");
}

Result<PeerRecord> PeerRepository::get(const Uid& uid) {
    const std::string sql = "SELECT " + std::string(peer_columns) + " FROM peers WHERE uid = ?1";
    return one_peer(*db_, sql, &uid, "peer " + uid.str() + " not found");
}

Result<std::vector<PeerRecord>> PeerRepository::list() {
    auto stmt =
        db_->prepare("SELECT " + std::string(peer_columns) + " FROM peers ORDER BY created_at, rowid");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    return rows::fetch_all(*stmt, read_peer);
}

Result<PeerRecord> PeerRepository::find_by_key(std::string_view public_key) {
    const std::string sql = "SELECT " + std::string(peer_columns) + " FROM peers WHERE public_key = ?1";
    auto stmt = db_->prepare(sql);
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, public_key);
    auto peer = rows::fetch_one(*stmt, read_peer);
    if (!peer) {
        return tl::unexpected(peer.error());
    }
    if (!*peer) {
        return fail(Errc::not_found, "no peer has key " + std::string(public_key));
    }
    return std::move(**peer);
}

Result<PeerRecord> PeerRepository::put(const PeerRecord& peer) {
    ++writes_;
    if (peer.trust && *peer.trust != PeerTrust::trusted && *peer.trust != PeerTrust::revoked) {
        return fail(Errc::invalid_argument,
                    "peer " + peer.uid.str() + ": only trusted and revoked peers are stored", "trust");
    }
    auto stmt = db_->prepare(
        "INSERT INTO peers (uid, display_name, is_self, created_at, updated_at, public_key, trust, "
        "addresses, "
        "last_seen, protocol_version) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9) "
        "ON CONFLICT (uid) DO UPDATE SET display_name = excluded.display_name, is_self = excluded.is_self, "
        "updated_at = excluded.updated_at, public_key = excluded.public_key, trust = excluded.trust, "
        "addresses = excluded.addresses, last_seen = excluded.last_seen, "
        "protocol_version = excluded.protocol_version RETURNING " +
        std::string(peer_columns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, peer.uid.str())
        .bind_text(2, peer.display_name)
        .bind_bool(3, peer.is_self)
        .bind_int(4, rows::to_millis(clock_()))
        .bind_text(7, nlohmann::json(peer.addresses).dump());
    if (peer.key) {
        stmt->bind_text(5, peer.key->public_key);
    } else {
        stmt->bind_null(5);
    }
    if (peer.trust) {
        stmt->bind_text(6, to_string(*peer.trust));
    } else {
        stmt->bind_null(6);
    }
    if (peer.last_seen) {
        stmt->bind_int(
            8, rows::to_millis(std::chrono::time_point_cast<std::chrono::milliseconds>(*peer.last_seen)));
    } else {
        stmt->bind_null(8);
    }
    if (peer.protocol_version) {
        stmt->bind_int(9, *peer.protocol_version);
    } else {
        stmt->bind_null(9);
    }
    auto stored = rows::fetch_one(*stmt, read_peer);
    if (!stored) {
        if (stored.error().code == Errc::conflict && peer.is_self) {
            return fail(Errc::conflict,
                        "cannot store peer " + peer.uid.str() + " as self: another peer is self", "is_self");
        }
        if (stored.error().code == Errc::conflict) {
            return fail(Errc::conflict, "cannot store peer " + peer.uid.str() + ": another peer has its key",
                        "public_key");
        }
        return tl::unexpected(rows::in_context(stored.error(), "cannot store peer " + peer.uid.str()));
    }
    if (!*stored) {
        return fail(Errc::internal, "storing peer " + peer.uid.str() + " returned no row");
    }
    return std::move(**stored);
}

Result<PeerRecord> PeerRepository::update_display_name(const Uid& uid, std::string_view display_name) {
    ++writes_;
    auto stmt = db_->prepare("UPDATE peers SET display_name = ?2, updated_at = ?3 WHERE uid = ?1 RETURNING " +
                             std::string(peer_columns));
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
    ++writes_;
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
