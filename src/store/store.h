// The daemon's persistent state: one SQLite database in the state directory.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/uid.h"
#include "store/database.h"
#include "store/integrity.h"
#include "store/peer_repository.h"
#include "store/port_repository.h"
#include "store/state_lock.h"
#include "store/stream_reference_repository.h"
#include "store/stream_repository.h"
#include "store/stream_stop_repository.h"
#include "store/timestamp.h"
#include "store/transaction.h"

namespace rocd::store {

/// How Store::open sets things up.
struct StoreOptions {
    /// Display name of this daemon's peer when it is first created; empty
    /// means the host name. An existing peer keeps its name.
    std::string self_display_name;
    /// Time source of created_at / updated_at.
    Clock clock = system_now;
    /// How the file is checked before anything is built on it.
    IntegrityCheck check = IntegrityCheck::quick;
};

/// The state directory opened for exclusive use: lock, database (migrated
/// to the current schema) and its repositories.
///
/// Durability: every repository call that changes state has committed, with
/// fsync, before it returns; a crash or `kill -9` after that never loses it.
/// Several changes that must land together go in one Transaction (begin()).
///
/// Threading: a Store belongs to the control plane's single thread and has
/// no internal locking; other threads post work to that thread instead of
/// calling the Store.
class Store {
public:
    static constexpr const char* database_file = "rocd.db";
    static constexpr const char* lock_file = "rocd.db.lock";

    /// Opens the state directory `dir`, creating it (mode 0700) if needed.
    /// Fails, changing nothing in the database file, if another rocd holds the
    /// directory (Errc::unavailable, naming its pid), if the file is not a
    /// readable and writable rocd database, is empty or fails the integrity
    /// check (Errc::io, naming the file and what to do) or if its schema is
    /// newer than this rocd (Errc::unsupported). Otherwise applies pending
    /// migrations. On first use the database is made complete under a
    /// temporary name, with this daemon's peer (random uid), and renamed into
    /// place. Completes a file swap left by an interrupted repair_state().
    static Result<Store> open(const std::filesystem::path& dir, StoreOptions options = {});

    Store(Store&&) noexcept = default;
    Store& operator=(Store&& other) noexcept;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    ~Store();

    PeerRepository& peers() { return peers_; }
    PortRepository& ports() { return ports_; }
    StreamRepository& streams() { return streams_; }
    StreamStopRepository& stream_stops() { return stream_stops_; }
    StreamReferenceRepository& stream_references() { return stream_references_; }

    /// Starts a transaction grouping several repository calls.
    Result<Transaction> begin() { return Transaction::begin(*db_); }

    /// The uid of this daemon's peer: generated once, the same after reopen.
    const Uid& self_uid() const { return self_uid_; }

    /// This daemon's peer as currently stored.
    Result<PeerRecord> self_peer() { return peers_.self(); }

    const std::filesystem::path& directory() const { return dir_; }
    Database& database() { return *db_; }

private:
    Store(std::filesystem::path dir, StateLock lock, std::unique_ptr<Database> db, const Clock& clock,
          Uid self);

    std::filesystem::path dir_;
    // Declared before the database so that it is released after it is closed.
    StateLock lock_;
    std::unique_ptr<Database> db_;
    PeerRepository peers_;
    PortRepository ports_;
    StreamRepository streams_;
    StreamStopRepository stream_stops_;
    StreamReferenceRepository stream_references_;
    Uid self_uid_;
};

} // namespace rocd::store
