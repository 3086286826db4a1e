// RFC 9457 problem+json responses: the one place where errors become HTTP.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "api/http/types.h"
#include "core/error.h"

namespace rocd::api {

/// HTTP status of an error kind.
http::status status_of(Errc code);

/// A problem+json response. `name` is the stable problem type
/// (`urn:rocd:problem:<name>`); `field` is added when not empty.
Response problem(http::status status, std::string_view name, std::string_view detail,
                 std::string_view field = {});

/// The problem+json body of an Error (also what a peer relays, docs/p2p.md
/// §14.2). Internal errors get a generic detail: their message is for the
/// log, not for the client.
nlohmann::json problem_json(const Error& error);

/// The problem response for an Error. Internal errors get a generic detail:
/// their message is for the log, not for the client.
Response problem(const Error& error);

} // namespace rocd::api
