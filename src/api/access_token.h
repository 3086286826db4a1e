// The bearer token that guards the API on non-loopback addresses.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"

namespace rocd::api {

/// Name of the token file in the state directory.
inline constexpr std::string_view access_token_file = "api-token";

struct AccessToken {
    std::string value;
    /// False for a new token that store_access_token() has yet to write.
    bool stored = false;
};

/// The token in `state_dir`, or a new random one if there is none yet. Writes
/// nothing: the daemon stores a new token once it knows it can run.
Result<AccessToken> load_access_token(const std::filesystem::path& state_dir);

/// Writes `token` (mode 0600) atomically.
Status store_access_token(const std::filesystem::path& state_dir, const std::string& token);

/// Replaces the token with a new random one and returns it. The file is
/// replaced atomically: a crash leaves the old or the new token, never none.
Result<std::string> rotate_access_token(const std::filesystem::path& state_dir);

} // namespace rocd::api
