// The hello exchange (docs/p2p.md §6.1): what each side says of itself,
// and the version two ranges share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/uid.h"

namespace rocd::p2p {

struct VersionRange {
    int min = 1;
    int max = 1;
};

struct Hello {
    VersionRange versions;
    std::vector<std::string> capabilities;
    Uid peer_uid;
    std::string display_name;
    std::string daemon_version;
    int p2p_port = 0;
    /// 32 random bytes, hex; fresh for every hello (§11).
    std::string nonce;
};

/// The body of a hello (and, with `version`, of a hello_reply).
nlohmann::json hello_body(const Hello& hello);
/// A hello's body read back; a missing or out-of-range field is an
/// invalid_argument naming it. Unknown fields are ignored.
Result<Hello> parse_hello(const nlohmann::json& body);

/// The highest version both ranges hold, if any.
std::optional<int> negotiate(const VersionRange& ours, const VersionRange& theirs);

/// 32 bytes from the CSPRNG, lowercase hex.
std::string fresh_nonce();

} // namespace rocd::p2p
