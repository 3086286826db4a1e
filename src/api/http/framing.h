// Whether a request's body is delimited in the one way both ends agree on
// (RFC 9112 §6). A request whose framing a proxy in front of rocd might
// read differently is refused and its connection closed, so bytes hidden
// after the headers can never run as a second request (smuggling).
#pragma once

#include <optional>
#include <string>

#include "api/http/types.h"

namespace rocd::api {

/// Why the framing of `request` (its header, read before the body) cannot
/// be trusted, or nullopt when it can: Transfer-Encoding, if present, must
/// name exactly one coding, "chunked" (any letter case, no parameters),
/// which rocd decodes; and it must not come with Content-Length.
std::optional<std::string> framing_problem(const Request& request);

} // namespace rocd::api
