// Persistent ports: the audio devices of peers.
#pragma once

#include <cstdint>
#include <vector>

#include "core/error.h"
#include "core/port.h"
#include "core/uid.h"
#include "store/timestamp.h"

namespace rocd::store {

class Database;

/// A row of the ports table: the port (its `present` is not a column; it
/// reads false) and when the row was written.
struct PortRecord : Port {
    /// Set by the repository; ignored on input.
    Timestamp created_at {};
    Timestamp updated_at {};
};

/// Typed access to the ports table. Every mutating call is committed (and on
/// disk) when it returns, unless the caller wraps it in a Transaction.
class PortRepository {
public:
    PortRepository(Database& db, Clock clock) : db_(&db), clock_(std::move(clock)) {}

    /// Errc::not_found if no port has `uid`.
    Result<PortRecord> get(const Uid& uid);

    /// All ports, oldest first.
    Result<std::vector<PortRecord>> list();

    /// The ports of one peer, oldest first (empty for an unknown peer).
    Result<std::vector<PortRecord>> list_by_peer(const Uid& peer_uid);

    /// Adds a port; returns the stored row. Errc::conflict if the uid is
    /// taken, Errc::not_found (field "peer_uid") if the peer does not exist,
    /// Errc::invalid_argument if channels or rate is 0 or volume negative.
    Result<PortRecord> insert(const PortRecord& port);

    /// Replaces every field of the port with `port.uid` except peer_uid and
    /// created_at; returns the stored row. Errc::not_found if absent.
    Result<PortRecord> update(const PortRecord& port);

    /// Errc::not_found if absent.
    Status remove(const Uid& uid);

private:
    Database* db_;
    Clock clock_;
};

} // namespace rocd::store
