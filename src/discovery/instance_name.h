// The DNS-SD instance name rocd publishes: its display name, as far as a
// DNS label allows (docs/p2p.md §16.1).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/uid.h"

namespace rocd::discovery {

/// A DNS label holds 63 bytes (RFC 6763 §4.1.1).
inline constexpr std::size_t max_instance_name = 63;

/// `display_name` cut to 63 bytes at a UTF-8 character boundary; "rocd"
/// for an empty name. The uid, not this name, identifies the peer.
std::string instance_name(std::string_view display_name);

/// The name to take after a first collision: "studio (rx4sse)", the
/// display name (cut to fit) and the first group of the uid. Two daemons of
/// one display name that start together would otherwise take Avahi's
/// alternatives ("studio #2", "#3"...) in lockstep and collide forever.
std::string distinct_instance_name(std::string_view display_name, const Uid& uid);

} // namespace rocd::discovery
