// RFC 9457 problem+json responses: the one place where errors become HTTP.
#pragma once

#include <string_view>

#include "api/http/types.h"
#include "core/error.h"

namespace rocd::api {

/// HTTP status of an error kind.
http::status status_of(Errc code);

/// A problem+json response. `name` is the stable problem type
/// (`urn:rocd:problem:<name>`); `field` is added when not empty.
Response problem(http::status status, std::string_view name, std::string_view detail,
                 std::string_view field = {});

/// The problem response for an Error. Internal errors get a generic detail:
/// their message is for the log, not for the client.
Response problem(const Error& error);

} // namespace rocd::api
