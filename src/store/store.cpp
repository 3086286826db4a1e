#include "store/store.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <sys/stat.h>
#include <unistd.h>

#include "store/integrity.h"
#include "store/migrator.h"
#include "store/repair.h"
#include "store/state_files.h"

namespace rocd::store {

namespace {

Status ensure_directory(const std::filesystem::path& dir) {
    std::error_code ec;
    const auto status = std::filesystem::status(dir, ec);
    if (std::filesystem::is_directory(status)) {
        return {};
    }
    if (std::filesystem::exists(status)) {
        return fail(Errc::io, "state directory " + dir.string() + " exists but is not a directory");
    }
    if (dir.has_parent_path()) {
        std::filesystem::create_directories(dir.parent_path(), ec);
        if (ec) {
            return fail(Errc::io, "cannot create " + dir.parent_path().string() + ": " + ec.message());
        }
    }
    // The state holds the daemon's identity; only its user may read it.
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        return fail(Errc::io, "cannot create state directory " + dir.string() + ": " + std::strerror(errno));
    }
    return {};
}

std::string host_name() {
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof(buffer) - 1) != 0 || buffer[0] == '\0') {
        return "rocd";
    }
    return buffer;
}

Result<Uid> ensure_self_peer(Database& db, PeerRepository& peers, const std::string& display_name) {
    auto txn = Transaction::begin(db);
    if (!txn) {
        return tl::unexpected(txn.error());
    }
    auto self = peers.self();
    if (self) {
        return self->uid;
    }
    if (self.error().code != Errc::not_found) {
        return tl::unexpected(self.error());
    }
    auto created =
        peers.put(PeerRecord {{Uid::random(), display_name.empty() ? host_name() : display_name, true}});
    if (!created) {
        return tl::unexpected(created.error());
    }
    if (auto done = txn->commit(); !done) {
        return tl::unexpected(done.error());
    }
    return created->uid;
}

// A new database is built under a temporary name and renamed into place
// complete, so that rocd never leaves a rocd.db that is empty or half made:
// finding one means it was damaged after rocd wrote it.
Status create_database(const std::filesystem::path& dir, const StoreOptions& options) {
    const auto path = dir / Store::database_file;
    const auto wal = std::filesystem::path(path.string() + "-wal");
    if (path_exists(wal)) {
        // SQLite would replay that log into the new file.
        return fail(Errc::io, "state database " + path.string() + " is missing but its write-ahead log " +
                                  wal.string() + " is there: restore " + path.string() +
                                  " from a backup, or move the log away to start with an empty state and a "
                                  "new peer uid");
    }
    const auto temp = std::filesystem::path(path.string() + ".new");
    for (const char* suffix : {"", "-journal"}) {
        if (auto removed = remove_if_present(temp.string() + suffix); !removed) {
            return removed;
        }
    }
    {
        auto db = Database::open(temp);
        if (!db) {
            return tl::unexpected(db.error());
        }
        if (auto migrated = migrate(*db, schema_migrations()); !migrated) {
            return tl::unexpected(migrated.error());
        }
        PeerRepository peers(*db, options.clock);
        if (auto self = ensure_self_peer(*db, peers, options.self_display_name); !self) {
            return tl::unexpected(self.error());
        }
    }
    if (auto renamed = rename_path(temp, path); !renamed) {
        return renamed;
    }
    return sync_directory(dir);
}

Status check_not_truncated(const std::filesystem::path& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size == 0) {
        return fail(Errc::io, "state database " + path.string() +
                                  " is empty (0 bytes): rocd never leaves it so, it was truncated and this "
                                  "daemon's state and peer uid are gone from it. rocd leaves it untouched: " +
                                  repair_advice(path) +
                                  "; or move it away to start with an empty state and a new peer uid");
    }
    return {};
}

} // namespace

Result<Store> Store::open(const std::filesystem::path& dir, StoreOptions options) {
    if (auto made = ensure_directory(dir); !made) {
        return tl::unexpected(made.error());
    }
    // The lock comes first: nothing may touch the database of another rocd.
    auto lock = StateLock::acquire(dir / lock_file);
    if (!lock) {
        return tl::unexpected(lock.error());
    }
    if (auto finished = finish_interrupted_repair(dir); !finished) {
        return tl::unexpected(finished.error());
    }
    const auto path = dir / database_file;
    if (!path_exists(path)) {
        if (auto created = create_database(dir, options); !created) {
            return tl::unexpected(created.error());
        }
    } else if (auto whole = check_not_truncated(path); !whole) {
        return tl::unexpected(whole.error());
    }
    auto db = Database::open(path);
    if (!db) {
        return tl::unexpected(db.error());
    }
    // Before enable_wal(), which would rewrite the header of a database that
    // is not in WAL mode: a file we refuse must stay byte-identical.
    if (auto checked = check_schema(*db, schema_migrations()); !checked) {
        return tl::unexpected(checked.error());
    }
    if (auto intact = check_integrity(*db, options.check); !intact) {
        return tl::unexpected(intact.error());
    }
    if (auto keys = check_keys(*db); !keys) {
        return tl::unexpected(keys.error());
    }
    if (auto wal = db->enable_wal(); !wal) {
        return tl::unexpected(wal.error());
    }
    if (auto migrated = migrate(*db, schema_migrations()); !migrated) {
        return tl::unexpected(migrated.error());
    }

    auto owned = std::make_unique<Database>(std::move(*db));
    PeerRepository peers(*owned, options.clock);
    auto self = ensure_self_peer(*owned, peers, options.self_display_name);
    if (!self) {
        return tl::unexpected(self.error());
    }
    return Store(dir, std::move(*lock), std::move(owned), options.clock, *self);
}

Store::Store(std::filesystem::path dir, StateLock lock, std::unique_ptr<Database> db, const Clock& clock,
             Uid self)
    : dir_(std::move(dir)), lock_(std::move(lock)), db_(std::move(db)), peers_(*db_, clock),
      ports_(*db_, clock), streams_(*db_, clock), stream_stops_(*db_, clock), stream_references_(*db_, clock),
      self_uid_(std::move(self)) {}

Store& Store::operator=(Store&& other) noexcept {
    if (this != &other) {
        db_.reset(); // closed before our lock is released, as in the destructor
        dir_ = std::move(other.dir_);
        lock_ = std::move(other.lock_);
        db_ = std::move(other.db_);
        peers_ = std::move(other.peers_);
        ports_ = std::move(other.ports_);
        streams_ = std::move(other.streams_);
        stream_stops_ = std::move(other.stream_stops_);
        stream_references_ = std::move(other.stream_references_);
        self_uid_ = std::move(other.self_uid_);
    }
    return *this;
}

Store::~Store() {
    // Close the database while the directory is still locked: the closing
    // WAL checkpoint writes the file.
    db_.reset();
}

} // namespace rocd::store
