// A peer: one rocd instance, this daemon or one it knows.
#pragma once

#include <optional>
#include <string>

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

struct Peer {
    Uid uid;
    std::string display_name;
    /// True for exactly one peer: this daemon.
    bool is_self = false;
    /// Known for this daemon; for others once peers talk to each other.
    std::optional<PeerKey> key {};

    bool operator==(const Peer&) const = default;
};

} // namespace rocd
