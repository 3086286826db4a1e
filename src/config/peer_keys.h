// The peer-protocol keys of the config file (docs/p2p.md §16.3).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config.h"

namespace rocd::config {

/// `peers`: a list of "host:port" strings or {address, public_key} maps.
Result<std::vector<StaticPeer>> parse_static_peers(const YAML::Node& node);

/// The shortest `network_secret` accepted: a peer shows its proof to
/// whoever holds the key it dialed (docs/p2p.md §11.2 rule 3), so the
/// secret must be long enough that guessing it offline is out of reach.
inline constexpr std::size_t min_network_secret_length = 32;

/// `network_secret`: its text, checked for length.
Result<std::string> parse_network_secret(std::string_view text);

} // namespace rocd::config
