// The daemon's settings: defaults < config file (YAML) < command line.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace rocd::config {

/// host:port the HTTP API listens on.
struct ListenAddress {
    std::string host = "127.0.0.1";
    std::uint16_t port = 4040;

    /// "HOST:PORT" or "[IPV6]:PORT"; port 0 asks the system for a free one.
    static Result<ListenAddress> parse(std::string_view text);
    std::string str() const;
};

enum class LogFormat { text, json };

/// A peer named in the configuration (docs/p2p.md §16.2).
struct StaticPeer {
    /// "host:port" of its peer-protocol listener.
    std::string address;
    /// Its key (Z85, as its GET /peers/self shows); without it rocd cannot dial.
    std::string public_key;

    bool operator==(const StaticPeer&) const = default;
};

/// `p2p_listen`: "host:port" or "off" (nullopt).
Result<std::optional<ListenAddress>> parse_p2p_listen(std::string_view text);

/// How this daemon finds peers (docs/p2p.md §16.3).
enum class Discovery {
    /// DNS-SD through Avahi, and the static `peers`.
    dns_sd,
    /// The static `peers` only: nothing published or browsed.
    static_peers,
    /// Neither: only stored trusted peers are dialed, incoming connections answered.
    off,
};

/// `discovery`: "dns-sd", "static" or "off".
Result<Discovery> parse_discovery(std::string_view text);

struct Config {
    ListenAddress listen;
    std::string driver = "pipewire";
    /// The peer protocol's ROUTER (docs/p2p.md §16.3); nullopt: the peer
    /// protocol is off.
    std::optional<ListenAddress> p2p_listen = ListenAddress {"0.0.0.0", 4041};
    /// Peers to dial at start (docs/p2p.md §16.2); ignored when discovery is off.
    std::vector<StaticPeer> peers;
    Discovery discovery = Discovery::dns_sd;
    /// Peers that prove the same secret trust each other (docs/p2p.md §11);
    /// empty: no fleet.
    std::string network_secret;
    /// Trust every new key at its first hello (labs only).
    bool trust_on_first_use = false;
    std::filesystem::path state_dir;
    /// 0: info, 1 (-v): debug, 2+ (-vv, -vvv): trace.
    int verbosity = 0;
    LogFormat log_format = LogFormat::text;
    std::optional<std::filesystem::path> tls_cert;
    std::optional<std::filesystem::path> tls_key;
    /// Require the bearer token even on a loopback address (for machines
    /// whose local users should not all control the daemon).
    bool require_token = false;
    /// Check the state database with SQLite's full integrity_check at start
    /// (every index against its table) instead of quick_check.
    bool full_integrity_check = false;
    /// Origins allowed to call the API from a browser; empty = CORS off.
    std::vector<std::string> cors_allowed_origins;
    /// Device fixture of the mock driver.
    std::optional<std::filesystem::path> mock_fixture;
    std::size_t max_connections = 512;
    std::size_t max_connections_per_client = 64;
    /// GET /events streams at once (they do not count as connections).
    std::size_t max_event_clients = 64;
    /// Streams the daemon keeps (each costs a jitter buffer, FEC buffers and
    /// a share of the pump; see bench/README.md).
    std::size_t max_streams = 64;
    /// SCHED_FIFO priority of the audio pump's thread (1..99), below
    /// PipeWire's own data threads; 0: normal scheduling.
    int audio_priority = 70;
    /// Senders one receive (or local) stream plays at once.
    std::size_t max_sessions_per_stream = 4;
    /// Requests per second one client address may make (a burst of twice
    /// as many is allowed); beyond, 429 with Retry-After.
    std::size_t max_requests_per_second = 200;
    std::chrono::milliseconds header_timeout {10'000};
    std::chrono::milliseconds idle_timeout {60'000};
    /// Interval of SSE heartbeats on GET /events.
    std::chrono::milliseconds event_heartbeat {15'000};
    /// Messages an SSE client of GET /events may fall behind before it gets
    /// `overflow` and is disconnected (at least 16: one change can publish
    /// several events at once).
    std::size_t event_queue_limit = 1024;
};

/// $XDG_STATE_HOME/rocd, or ~/.local/state/rocd.
std::filesystem::path default_state_dir();

/// Applies the keys of a YAML config file on top of `base`. An unknown key,
/// a wrong type or an invalid value is an error naming the file, line and key.
Result<Config> apply_config_file(const std::filesystem::path& path, Config base);
/// The same for the text of a config file; `path` only names it in errors.
Result<Config> apply_config_text(std::string_view text, const std::filesystem::path& path, Config base);

/// Checks combinations that no single key can (e.g. a TLS key without a
/// certificate).
Status validate(const Config& config);

/// Names of the drivers this build knows.
const std::vector<std::string>& known_drivers();

} // namespace rocd::config
