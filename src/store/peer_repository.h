// Persistent peers: this daemon and the rocd instances it knows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/peer.h"
#include "core/uid.h"
#include "store/timestamp.h"

namespace rocd::store {

class Database;

/// A row of the peers table.
struct PeerRecord : Peer {
    /// Set by the repository; ignored on input.
    Timestamp created_at {};
    Timestamp updated_at {};
};

/// Typed access to the peers table. Every mutating call is committed (and on
/// disk) when it returns, unless the caller wraps it in a Transaction.
class PeerRepository {
public:
    PeerRepository(Database& db, Clock clock) : db_(&db), clock_(std::move(clock)) {}

    /// The peer that is this daemon; Errc::not_found before one was put.
    Result<PeerRecord> self();

    /// Errc::not_found if no peer has `uid`.
    Result<PeerRecord> get(const Uid& uid);

    /// All peers, oldest first.
    Result<std::vector<PeerRecord>> list();

    /// The peer bound to this key (Z85); Errc::not_found if none.
    Result<PeerRecord> find_by_key(std::string_view public_key);

    /// Inserts `peer`, or replaces every field of the existing peer with its
    /// uid (keeping created_at). Returns the stored row (its key without a
    /// fingerprint). Errc::conflict if it would make a second self peer or
    /// bind a key to a second peer; a trust other than trusted or revoked
    /// is not stored (Errc::invalid_argument).
    Result<PeerRecord> put(const PeerRecord& peer);

    /// Renames a peer; Errc::not_found if it does not exist.
    Result<PeerRecord> update_display_name(const Uid& uid, std::string_view display_name);

    /// Deletes a peer and, by cascade, its ports; Errc::not_found if absent.
    Status remove(const Uid& uid);

    /// Counts the calls that may have changed the table (put, rename,
    /// remove): a cache of its rows is stale once this moved.
    std::uint64_t writes() const { return writes_; }

private:
    Database* db_;
    Clock clock_;
    std::uint64_t writes_ = 0;
};

} // namespace rocd::store
