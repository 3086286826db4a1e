// A peer: one rocd instance, this daemon or one it knows.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/uid.h"

namespace rocd {

/// A peer's long-term CURVE public key (docs/p2p.md §3), as people see it.
struct PeerKey {
    /// Z85, 40 characters.
    std::string public_key;
    /// The first 16 bytes of SHA-256 of the raw key, hex in groups of four.
    std::string fingerprint;

    bool operator==(const PeerKey&) const = default;
};

/// How far this daemon trusts a remote peer (docs/p2p.md §9.1).
enum class PeerTrust { discovered, pairing, trusted, revoked };
/// Whether a remote peer can be reached (docs/p2p.md §8, §9.3).
enum class PeerState { offline, online, incompatible, key_mismatch };

std::string_view to_string(PeerTrust trust);
std::optional<PeerTrust> peer_trust_of(std::string_view text);
std::string_view to_string(PeerState state);

struct Peer {
    Uid uid;
    std::string display_name;
    /// True for exactly one peer: this daemon.
    bool is_self = false;
    /// Known for this daemon; for others once peers talk to each other.
    std::optional<PeerKey> key {};
    /// Remote peers only.
    std::optional<PeerTrust> trust {};
    std::optional<PeerState> state {};
    /// "host:port" of its peer-protocol listener, most recently used first;
    /// for this daemon, where it listens.
    std::vector<std::string> addresses {};
    /// When an authenticated message of it last arrived.
    std::optional<std::chrono::system_clock::time_point> last_seen {};
    /// The protocol version last agreed with it.
    std::optional<int> protocol_version {};
    /// The rocd version it runs, as its latest hello said (not stored).
    std::optional<std::string> daemon_version {};
    /// Smoothed round trip of pings on this daemon's link to it (not stored).
    std::optional<double> rtt_ms {};

    bool operator==(const Peer&) const = default;
};

} // namespace rocd
