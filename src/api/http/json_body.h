// Strict JSON request bodies and JSON responses.
#pragma once

#include <initializer_list>
#include <string_view>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "api/http/types.h"
#include "core/error.h"

namespace rocd::api {

/// The request body as a JSON object. Not `application/json`: 415;
/// malformed JSON or not an object: 400. The error is the response to send.
tl::expected<nlohmann::json, Response> parse_json_object(const Request& request);

/// Every key of `object` must be one of `allowed`; the first other key is an
/// invalid_argument Error naming it (`prefix` + key).
Status check_fields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                    std::string_view prefix = {});

/// A 200 (or `status`) response with a JSON body.
Response json_response(const nlohmann::json& body, http::status status = http::status::ok);

} // namespace rocd::api
