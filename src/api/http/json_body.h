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

/// The text of a response body. Bytes that are not UTF-8 (from a request
/// target, a query, a device's name) become U+FFFD instead of throwing: a
/// body that names what the client sent must never fail to be written.
std::string json_text(const nlohmann::json& body);

} // namespace rocd::api
