#include "api/http/json_body.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/http/problem.h"

namespace rocd::api {

namespace {

bool is_json_media_type(std::string_view value) {
    const auto semicolon = value.find(';');
    std::string_view type = value.substr(0, semicolon);
    while (!type.empty() && type.back() == ' ') {
        type.remove_suffix(1);
    }
    if (type.size() != std::string_view("application/json").size()) {
        return false;
    }
    for (std::size_t i = 0; i < type.size(); i++) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(type[i])));
        if (c != "application/json"[i]) {
            return false;
        }
    }
    return true;
}

// The path ("settings.rate") of the first key that an object of the text
// holds twice. JSON leaves duplicates undefined and the parser keeps the
// last; a client that sends two must not have one silently dropped.
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

tl::expected<nlohmann::json, Response> parse_json_object(const Request& request) {
    const auto content_type = request.find(http::field::content_type);
    if (content_type == request.end() || !is_json_media_type(content_type->value())) {
        return tl::unexpected(problem(http::status::unsupported_media_type, "unsupported-media-type",
                                      "the request body must be application/json"));
    }
    DuplicateFinder duplicates;
    nlohmann::json body = nlohmann::json::parse(
        request.body(),
        [&duplicates](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
            return duplicates(depth, event, parsed);
        },
        /*allow_exceptions=*/false);
    if (body.is_discarded()) {
        return tl::unexpected(
            problem(http::status::bad_request, "invalid-json", "the request body is not valid JSON"));
    }
    if (duplicates.duplicate) {
        return tl::unexpected(problem(http::status::bad_request, "invalid-json",
                                      "the request body holds " + *duplicates.duplicate + " twice",
                                      *duplicates.duplicate));
    }
    if (!body.is_object()) {
        return tl::unexpected(
            problem(http::status::bad_request, "invalid-json", "the request body must be a JSON object"));
    }
    return body;
}

Response json_response(const nlohmann::json& body, http::status status) {
    Response res {status, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = json_text(body);
    return res;
}

std::string json_text(const nlohmann::json& body) {
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace rocd::api
