#include "api/representation/json_object.h"

#include <set>
#include <vector>

namespace rocd::api {

namespace {

// Finds the first key an object of the text holds twice, as the parser
// walks it.
struct DuplicateFinder {
    std::vector<std::set<std::string>> keys;
    std::vector<std::string> path;
    std::optional<std::string> duplicate;

    bool operator()(int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
        using Event = nlohmann::json::parse_event_t;
        switch (event) {
        case Event::object_start:
            keys.emplace_back();
            break;
        case Event::object_end:
            keys.pop_back();
            break;
        case Event::key: {
            auto key = parsed.get<std::string>();
            // A key is one deeper than its object; array levels stay empty.
            path.resize(static_cast<std::size_t>(depth > 0 ? depth - 1 : 0));
            path.push_back(key);
            if (!keys.empty() && !keys.back().insert(key).second && !duplicate) {
                std::string joined;
                for (const auto& part : path) {
                    if (!part.empty()) {
                        joined += (joined.empty() ? "" : ".") + part;
                    }
                }
                duplicate = joined;
            }
            break;
        }
        default:
            break;
        }
        return true;
    }
};

} // namespace

JsonText parse_json_text(std::string_view text) {
    DuplicateFinder duplicates;
    nlohmann::json value = nlohmann::json::parse(
        text,
        [&duplicates](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
            return duplicates(depth, event, parsed);
        },
        /*allow_exceptions=*/false);
    return {std::move(value), std::move(duplicates.duplicate)};
}

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
