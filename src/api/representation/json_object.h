// The one strict checker of JSON objects: every representation parser
// (REST bodies, stored definitions, next the peer protocol) refuses unknown
// fields through it, with the same words.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace rocd::api {

/// JSON text parsed strictly. JSON leaves a key given twice undefined and
/// the parser keeps the last: a sender whose first value is silently
/// dropped, or two implementations that read different values, must not
/// happen, so every parse of outside JSON (REST bodies, peer messages)
/// goes through here and refuses duplicates.
struct JsonText {
    /// Discarded (is_discarded()) if the text is not JSON.
    nlohmann::json value;
    /// The path ("settings.rate") of the first key an object holds twice.
    std::optional<std::string> duplicate;
};
JsonText parse_json_text(std::string_view text);

/// Every key of `object` must be one of `allowed`; the first other key is an
/// invalid_argument Error naming it (`prefix` + key).
Status check_fields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                    std::string_view prefix = {});

/// `value` must be an object ("<field> must be an object") whose keys are
/// all `allowed` (errors name "<field>.<key>").
Status check_object(const nlohmann::json& value, const std::string& field,
                    std::initializer_list<std::string_view> allowed);

} // namespace rocd::api
