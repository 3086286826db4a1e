#include "api/representation/json_object.h"

namespace rocd::api {

Status check_fields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed,
                    std::string_view prefix) {
    for (const auto& [key, value] : object.items()) {
        bool known = false;
        for (std::string_view name : allowed) {
            known = known || name == key;
        }
        if (!known) {
            const std::string field = std::string(prefix) + key;
            return fail(Errc::invalid_argument, "unknown field '" + field + "'", field);
        }
    }
    return {};
}

Status check_object(const nlohmann::json& value, const std::string& field,
                    std::initializer_list<std::string_view> allowed) {
    if (!value.is_object()) {
        return fail(Errc::invalid_argument, field + " must be an object", field);
    }
    return check_fields(value, allowed, field + ".");
}

} // namespace rocd::api
