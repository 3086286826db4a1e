// The peer-protocol keys of the config file (docs/p2p.md §16.3).
#pragma once

#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/config.h"

namespace rocd::config {

/// `peers`: a list of "host:port" strings or {address, public_key} maps.
Result<std::vector<StaticPeer>> parse_static_peers(const YAML::Node& node);

} // namespace rocd::config
