// Strict JSON request bodies and JSON responses.
#pragma once

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "api/http/types.h"
#include "core/error.h"

namespace rocd::api {

/// The request body as a JSON object. Not `application/json`: 415;
/// malformed JSON or not an object: 400. The error is the response to send.
tl::expected<nlohmann::json, Response> parse_json_object(const Request& request);

/// A 200 (or `status`) response with a JSON body.
Response json_response(const nlohmann::json& body, http::status status = http::status::ok);

} // namespace rocd::api
