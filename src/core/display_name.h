// What a display name (of a peer, a port) may be: text a person can read
// and that shows what it says.
#pragma once

#include <string>

#include "core/error.h"

namespace rocd {

inline constexpr std::size_t max_display_name_chars = 64;

/// 1 to 64 code points of valid UTF-8, not only white space, without
/// control characters, bidirectional overrides, embeddings or isolates
/// (they make a name display as another) and invisible characters (zero
/// width space, word joiner, byte order mark, soft hyphen). The joiners
/// U+200C and U+200D stay allowed: scripts and emoji sequences need them.
/// The error names `field`.
Status check_display_name(const std::string& name, const std::string& field);

} // namespace rocd
