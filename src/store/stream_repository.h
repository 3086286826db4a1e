// Persistent streams: the audio flows the user configured.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/uid.h"
#include "store/timestamp.h"

namespace rocd::store {

class Database;

/// A row of the streams table.
struct StreamRecord {
    Uid uid;
    /// The stream's definition as JSON text. The daemon owns its schema; the
    /// store only insists that it is valid JSON.
    std::string spec;
    /// Set by the repository; ignored on input.
    Timestamp created_at {};
    Timestamp updated_at {};
};

/// Typed access to the streams table. Every mutating call is committed (and
/// on disk) when it returns, unless the caller wraps it in a Transaction.
class StreamRepository {
public:
    StreamRepository(Database& db, Clock clock) : db_(&db), clock_(std::move(clock)) {}

    /// Errc::not_found if no stream has `uid`.
    Result<StreamRecord> get(const Uid& uid);

    /// All streams, oldest first.
    Result<std::vector<StreamRecord>> list();

    /// Adds a stream; returns the stored row. Errc::conflict if the uid is
    /// taken, Errc::invalid_argument (field "spec") if spec is not JSON.
    Result<StreamRecord> insert(const StreamRecord& stream);

    /// Replaces the spec of the stream with `stream.uid`; returns the stored
    /// row. Errc::not_found if absent, Errc::invalid_argument if not JSON.
    Result<StreamRecord> update(const StreamRecord& stream);

    /// Errc::not_found if absent.
    Status remove(const Uid& uid);
    /// remove(), and a tombstone of `uid` kept in the same transaction: a
    /// deleted half of a cross-peer stream, which must not be made again
    /// (docs/p2p.md §20.5).
    Status remove_keeping_tombstone(const Uid& uid);
    /// Whether `uid` was removed with a tombstone (and not forgotten since).
    Result<bool> has_tombstone(const Uid& uid);
    /// Forgets the tombstones of streams removed before `before`.
    Status forget_tombstones(Timestamp before);

private:
    Database* db_;
    Clock clock_;
};

} // namespace rocd::store
