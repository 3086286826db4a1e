// The schema of rocd's state database, as numbered forward migrations.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace rocd::store {

/// One step of the schema: `sql` takes a database from version `version - 1`
/// to `version`. It runs inside the migrator's transaction, so it must not
/// contain BEGIN/COMMIT. Released migrations are never edited, only appended.
struct Migration {
    std::int64_t version;
    std::string_view description;
    std::string_view sql;
};

/// PRAGMA application_id of rocd's databases ("rocd" in ASCII), so that rocd
/// recognises its own files and refuses another program's.
inline constexpr std::int64_t rocd_application_id = 0x726f6364;

/// rocd's migrations, versions 1..N in order.
std::span<const Migration> schema_migrations();

} // namespace rocd::store
