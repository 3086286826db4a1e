#include "store/port_repository.h"

#include "store/database.h"
#include "store/rows.h"

namespace rocd::store {

namespace {

constexpr std::string_view port_columns =
    "uid, peer_uid, port_type, direction, driver, system_name, display_name, "
    "channels, rate, volume, mute, created_at, updated_at";

Result<PortRecord> read_port(const Statement& stmt) {
    auto uid = rows::column_uid(stmt, 0);
    if (!uid) {
        return tl::unexpected(uid.error());
    }
    auto peer_uid = rows::column_uid(stmt, 1);
    if (!peer_uid) {
        return tl::unexpected(peer_uid.error());
    }
    auto type = parse_port_type(stmt.column_text(2));
    if (!type) {
        return fail(Errc::io, "state database: port " + uid->str() + ": " + type.error().message);
    }
    auto direction = parse_port_direction(stmt.column_text(3));
    if (!direction) {
        return fail(Errc::io, "state database: port " + uid->str() + ": " + direction.error().message);
    }
    PortRecord port {{*uid, *peer_uid}};
    port.port_type = *type;
    port.direction = *direction;
    port.driver = stmt.column_text(4);
    port.system_name = stmt.column_text(5);
    port.display_name = stmt.column_text(6);
    port.channels = static_cast<std::uint32_t>(stmt.column_int(7));
    port.rate = static_cast<std::uint32_t>(stmt.column_int(8));
    port.volume = stmt.column_real(9);
    port.mute = stmt.column_bool(10);
    port.created_at = rows::column_timestamp(stmt, 11);
    port.updated_at = rows::column_timestamp(stmt, 12);
    return port;
}

// Binds the mutable fields as ?3..?11 in port_columns order (port_type .. mute).
void bind_fields(Statement& stmt, const PortRecord& port) {
    stmt.bind_text(3, to_string(port.port_type))
        .bind_text(4, to_string(port.direction))
        .bind_text(5, port.driver)
        .bind_text(6, port.system_name)
        .bind_text(7, port.display_name)
        .bind_int(8, port.channels)
        .bind_int(9, port.rate)
        .bind_real(10, port.volume)
        .bind_bool(11, port.mute);
}

} // namespace

Result<PortRecord> PortRepository::get(const Uid& uid) {
    auto stmt = db_->prepare("SELECT " + std::string(port_columns) + " FROM ports WHERE uid = ?1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, uid.str());
    auto port = rows::fetch_one(*stmt, read_port);
    if (!port) {
        return tl::unexpected(port.error());
    }
    if (!*port) {
        return fail(Errc::not_found, "port " + uid.str() + " not found");
    }
    return std::move(**port);
}

Result<std::vector<PortRecord>> PortRepository::list() {
    auto stmt =
        db_->prepare("SELECT " + std::string(port_columns) + " FROM ports ORDER BY created_at, rowid");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    return rows::fetch_all(*stmt, read_port);
}

Result<std::vector<PortRecord>> PortRepository::list_by_peer(const Uid& peer_uid) {
    auto stmt = db_->prepare("SELECT " + std::string(port_columns) +
                             " FROM ports WHERE peer_uid = ?1 ORDER BY created_at, rowid");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, peer_uid.str());
    return rows::fetch_all(*stmt, read_port);
}

Result<PortRecord> PortRepository::insert(const PortRecord& port) {
    auto stmt = db_->prepare("INSERT INTO ports (" + std::string(port_columns) +
                             ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12) RETURNING " +
                             std::string(port_columns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, port.uid.str())
        .bind_text(2, port.peer_uid.str())
        .bind_int(12, rows::to_millis(clock_()));
    bind_fields(*stmt, port);
    auto stored = rows::fetch_one(*stmt, read_port);
    if (!stored) {
        if (stored.error().code == Errc::conflict) {
            return fail(Errc::conflict, "port " + port.uid.str() + " already exists", "port_uid");
        }
        if (stored.error().code == Errc::not_found) {
            return fail(Errc::not_found,
                        "cannot add port " + port.uid.str() + ": peer " + port.peer_uid.str() + " not found",
                        "peer_uid");
        }
        return tl::unexpected(rows::in_context(stored.error(), "cannot add port " + port.uid.str()));
    }
    if (!*stored) {
        return fail(Errc::internal, "adding port " + port.uid.str() + " returned no row");
    }
    return std::move(**stored);
}

Result<PortRecord> PortRepository::update(const PortRecord& port) {
    auto stmt =
        db_->prepare("UPDATE ports SET port_type = ?3, direction = ?4, driver = ?5, system_name = ?6, "
                     "display_name = ?7, channels = ?8, rate = ?9, volume = ?10, mute = ?11, "
                     "updated_at = ?2 WHERE uid = ?1 RETURNING " +
                     std::string(port_columns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, port.uid.str()).bind_int(2, rows::to_millis(clock_()));
    bind_fields(*stmt, port);
    auto stored = rows::fetch_one(*stmt, read_port);
    if (!stored) {
        return tl::unexpected(rows::in_context(stored.error(), "cannot update port " + port.uid.str()));
    }
    if (!*stored) {
        return fail(Errc::not_found, "port " + port.uid.str() + " not found");
    }
    return std::move(**stored);
}

Status PortRepository::remove(const Uid& uid) {
    auto stmt = db_->prepare("DELETE FROM ports WHERE uid = ?1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bind_text(1, uid.str());
    if (auto done = stmt->run(); !done) {
        return tl::unexpected(rows::in_context(done.error(), "cannot remove port " + uid.str()));
    }
    if (db_->changes() == 0) {
        return fail(Errc::not_found, "port " + uid.str() + " not found");
    }
    return {};
}

} // namespace rocd::store
