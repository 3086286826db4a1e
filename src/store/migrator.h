// Applies the schema migrations to a database.
#pragma once

#include <cstdint>
#include <span>

#include "core/error.h"
#include "store/migrations.h"

namespace rocd::store {

class Database;

/// Checks, reading only, that `db` is empty or rocd's and that its schema
/// version is not newer than the last of `migrations`. Fails with
/// Errc::unsupported naming both versions if it is newer, Errc::io if the
/// file belongs to another application.
Status check_schema(Database& db, std::span<const Migration> migrations);

/// Brings `db` to the last version of `migrations` in ONE transaction: either
/// every pending migration is applied and recorded (PRAGMA user_version),
/// or, if any fails, none is. Returns how many were applied (0 if the
/// database was current). `migrations` must be numbered 1..N in order.
Result<int> migrate(Database& db, std::span<const Migration> migrations);

} // namespace rocd::store
