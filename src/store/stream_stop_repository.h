// The stops of cross-peer streams this daemon owes other peers (docs/p2p.md
// §20.5): a half deleted here whose other end could not be told yet.
#pragma once

#include <vector>

#include "core/error.h"
#include "core/uid.h"
#include "store/timestamp.h"

namespace rocd::store {

class Database;

class StreamStopRepository {
public:
    StreamStopRepository(Database& db, Clock clock) : db_(&db), clock_(std::move(clock)) {}

    /// Owes `peer` the stop of `stream` (again: no change).
    Status add(const Uid& stream, const Uid& peer);
    /// The stop was delivered (or is moot); absent: no change.
    Status remove(const Uid& stream, const Uid& peer);
    /// The streams whose stop `peer` is owed, oldest first.
    Result<std::vector<Uid>> owed_to(const Uid& peer);

private:
    Database* db_;
    Clock clock_;
};

} // namespace rocd::store
