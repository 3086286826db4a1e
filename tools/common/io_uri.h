// The -i/-o arguments of rocd-send/rocd-recv: a file path or a Roc IO URI.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace rocd::tools {

/// Accepts a plain path ("in.wav"), "file:path", "file:/abs/path" and
/// "file:///abs/path" (Roc's file URIs) and returns the path. Any other
/// scheme (alsa://, pulse://, ...) is unsupported: rocd's tools do files.
Result<std::string> parse_file_uri(std::string_view text);

} // namespace rocd::tools
