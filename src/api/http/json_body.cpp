#include "api/http/json_body.h"

#include "api/representation/json_object.h"

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

} // namespace

tl::expected<nlohmann::json, Response> parse_json_object(const Request& request) {
    const auto content_type = request.find(http::field::content_type);
    if (content_type == request.end() || !is_json_media_type(content_type->value())) {
        return tl::unexpected(problem(http::status::unsupported_media_type, "unsupported-media-type",
                                      "the request body must be application/json"));
    }
    auto [body, duplicate] = parse_json_text(request.body());
    if (body.is_discarded()) {
        return tl::unexpected(
            problem(http::status::bad_request, "invalid-json", "the request body is not valid JSON"));
    }
    if (duplicate) {
        return tl::unexpected(problem(http::status::bad_request, "invalid-json",
                                      "the request body holds " + *duplicate + " twice", *duplicate));
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
