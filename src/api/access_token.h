// The bearer token that guards the API on non-loopback addresses.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"

namespace rocd::api {

/// Name of the token file in the state directory.
inline constexpr std::string_view access_token_file = "api-token";

/// The token in `state_dir`, created (mode 0600) if there is none yet.
Result<std::string> load_or_create_access_token(const std::filesystem::path& state_dir);

/// Replaces the token with a new random one and returns it. The file is
/// replaced atomically: a crash leaves the old or the new token, never none.
Result<std::string> rotate_access_token(const std::filesystem::path& state_dir);

} // namespace rocd::api
