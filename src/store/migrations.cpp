#include "store/migrations.h"

#include <array>

namespace rocd::store {

namespace {

// Timestamps are integer milliseconds since the Unix epoch (UTC). Tables are
// STRICT so that a wrong type is an error rather than silently stored.
constexpr std::string_view v1_initial = R"sql(
CREATE TABLE peers (
    uid          TEXT    NOT NULL PRIMARY KEY,
    display_name TEXT    NOT NULL,
    is_self      INTEGER NOT NULL DEFAULT 0 CHECK (is_self IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

-- At most one row describes this daemon.
CREATE UNIQUE INDEX peers_single_self ON peers (is_self) WHERE is_self = 1;

CREATE TABLE ports (
    uid          TEXT    NOT NULL PRIMARY KEY,
    peer_uid     TEXT    NOT NULL REFERENCES peers (uid) ON DELETE CASCADE,
    port_type    TEXT    NOT NULL CHECK (port_type IN ('system_device', 'virtual_device')),
    direction    TEXT    NOT NULL CHECK (direction IN ('output', 'input', 'duplex')),
    driver       TEXT    NOT NULL,
    system_name  TEXT    NOT NULL,
    display_name TEXT    NOT NULL,
    channels     INTEGER NOT NULL CHECK (channels > 0),
    rate         INTEGER NOT NULL CHECK (rate > 0),
    volume       REAL    NOT NULL CHECK (volume >= 0),
    mute         INTEGER NOT NULL CHECK (mute IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX ports_by_peer ON ports (peer_uid);

-- The daemon owns the JSON schema of a stream's spec; the store only checks
-- that it is JSON.
CREATE TABLE streams (
    uid        TEXT    NOT NULL PRIMARY KEY,
    spec       TEXT    NOT NULL CHECK (json_valid(spec)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
    key        TEXT    NOT NULL PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
)sql";

// Nothing ever read or wrote the settings table: the daemon's settings are
// its config file, and each resource has its own table.
constexpr const char* v2_drop_settings = "DROP TABLE settings;";

constexpr std::array migrations {
    Migration {1, "peers, ports, streams and settings", v1_initial},
    Migration {2, "drop the unused settings table", v2_drop_settings},
};

} // namespace

std::span<const Migration> schema_migrations() {
    return migrations;
}

} // namespace rocd::store
