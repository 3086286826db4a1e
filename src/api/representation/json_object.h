// The one strict checker of JSON objects: every representation parser
// (REST bodies, stored definitions, next the peer protocol) refuses unknown
// fields through it, with the same words.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace rocd::api {

/// Every key of `object` must be one of `allowed`; the first other key is an
/// invalid_argument Error naming it (`prefix` + key).
Status check_fields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                    std::string_view prefix = {});

/// `value` must be an object ("<field> must be an object") whose keys are
/// all `allowed` (errors name "<field>.<key>").
Status check_object(const nlohmann::json& value, const std::string& field,
                    std::initializer_list<std::string_view> allowed);

} // namespace rocd::api
