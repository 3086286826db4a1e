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

// What the peer protocol keeps of a remote peer (docs/p2p.md §9.4): only
// trusted and revoked ones are stored; this daemon's own row has neither a
// key (its key is p2p-key) nor a trust. Addresses are a JSON list of
// "host:port" strings. A key names one peer at most.
constexpr const char* v3_peer_trust = R"sql(
ALTER TABLE peers ADD COLUMN public_key TEXT CHECK (public_key IS NULL OR length(public_key) = 40);
ALTER TABLE peers ADD COLUMN trust TEXT CHECK (trust IS NULL OR trust IN ('trusted', 'revoked'));
ALTER TABLE peers ADD COLUMN addresses TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(addresses) AND json_type(addresses) = 'array');
ALTER TABLE peers ADD COLUMN last_seen INTEGER;
ALTER TABLE peers ADD COLUMN protocol_version INTEGER CHECK (protocol_version IS NULL OR protocol_version >= 1);
CREATE UNIQUE INDEX peers_by_key ON peers (public_key) WHERE public_key IS NOT NULL;
)sql";

// Cross-peer streams (docs/p2p.md §20.5): a stream_stop this daemon owes
// another peer and could not deliver yet, sent again whenever that peer
// comes online, until it is answered.
constexpr const char* v4_stream_stops = R"sql(
CREATE TABLE stream_stops (
    stream_uid TEXT    NOT NULL,
    peer_uid   TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (stream_uid, peer_uid)
) STRICT;
)sql";

// Cross-peer streams (docs/p2p.md §20.5): a half deleted here, kept for 30
// days so that the other end asking to open it again is told it is gone.
constexpr const char* v5_stream_tombstones = R"sql(
CREATE TABLE stream_tombstones (
    stream_uid TEXT    PRIMARY KEY,
    deleted_at INTEGER NOT NULL
) STRICT;
)sql";

// Cross-peer streams (docs/p2p.md §20.3): a stream between two other peers'
// ports that was created through this daemon, which holds neither end.
constexpr const char* v6_stream_references = R"sql(
CREATE TABLE stream_references (
    stream_uid      TEXT    PRIMARY KEY,
    source_uri      TEXT    NOT NULL,
    destination_uri TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;
)sql";

constexpr std::array migrations {
    Migration {1, "peers, ports, streams and settings", v1_initial},
    Migration {2, "drop the unused settings table", v2_drop_settings},
    Migration {3, "what the peer protocol keeps of remote peers", v3_peer_trust},
    Migration {4, "stream stops owed to other peers", v4_stream_stops},
    Migration {5, "tombstones of deleted cross-peer streams", v5_stream_tombstones},
    Migration {6, "cross-peer streams coordinated here", v6_stream_references},
};

} // namespace

std::span<const Migration> schema_migrations() {
    return migrations;
}

} // namespace rocd::store
