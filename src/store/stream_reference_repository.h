// The cross-peer streams this daemon coordinated between two other peers'
// ports (docs/p2p.md §20.3): it holds neither end, only the reference that
// lets it list, show and delete the stream.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "core/uid.h"
#include "store/timestamp.h"

namespace rocd::store {

class Database;

struct StreamReferenceRecord {
    Uid stream;
    std::string source_uri;
    std::string destination_uri;
};

class StreamReferenceRepository {
public:
    StreamReferenceRepository(Database& db, Clock clock) : db_(&db), clock_(std::move(clock)) {}

    /// Keeps `reference` (again: no change).
    Status add(const StreamReferenceRecord& reference);
    /// Absent: no change.
    Status remove(const Uid& stream);
    /// Every reference, oldest first.
    Result<std::vector<StreamReferenceRecord>> list();

private:
    Database* db_;
    Clock clock_;
};

} // namespace rocd::store
