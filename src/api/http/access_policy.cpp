#include "api/http/access_policy.h"

#include <algorithm>

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "api/http/problem.h"

namespace rocd::api {

namespace {

bool token_matches(std::string_view header, const std::string& token) {
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() != scheme.size() + token.size() || header.substr(0, scheme.size()) != scheme) {
        return false;
    }
    // Constant time, so that response timing tells nothing about the token.
    return CRYPTO_memcmp(header.data() + scheme.size(), token.data(), token.size()) == 0;
}

void add_cors(Response& res, std::string_view origin) {
    res.set(http::field::access_control_allow_origin, origin);
    res.set(http::field::vary, "Origin");
}

} // namespace

AccessPolicy::AccessPolicy(std::string token, std::vector<std::string> cors_origins)
    : token_(std::move(token)), cors_origins_(std::move(cors_origins)) {}

std::optional<std::string_view> AccessPolicy::allowed_origin(const Request& request) const {
    const auto it = request.find(http::field::origin);
    if (it == request.end()) {
        return std::nullopt;
    }
    const std::string_view origin = it->value();
    const bool allowed = std::any_of(cors_origins_.begin(), cors_origins_.end(),
                                     [&](const std::string& o) { return o == "*" || o == origin; });
    return allowed ? std::optional(origin) : std::nullopt;
}

std::optional<Response> AccessPolicy::preflight(const Request& request) const {
    const auto origin = allowed_origin(request);
    if (!origin || request.method() != http::verb::options ||
        request.find(http::field::access_control_request_method) == request.end()) {
        return std::nullopt;
    }
    Response res {http::status::no_content, request.version()};
    res.set(http::field::access_control_allow_methods, "GET, POST, PUT, PATCH, DELETE");
    res.set(http::field::access_control_allow_headers, "Authorization, Content-Type, Last-Event-ID");
    res.set(http::field::access_control_max_age, "600");
    add_cors(res, *origin);
    return res;
}

std::optional<Response> AccessPolicy::authorize(const Request& request, std::string_view peer) const {
    if (token_.empty() || token_matches(request[http::field::authorization], token_)) {
        return std::nullopt;
    }
    const bool missing = request.find(http::field::authorization) == request.end();
    spdlog::warn("http {}: {} {}: rejected, {} bearer token", peer, request.method_string(), request.target(),
                 missing ? "missing" : "wrong");
    Response res = problem(http::status::unauthorized, "unauthorized",
                           missing ? "this API needs 'Authorization: Bearer <token>' (token file: "
                                     "api-token in the daemon's state directory)"
                                   : "wrong bearer token");
    res.set(http::field::www_authenticate, "Bearer");
    return res;
}

void AccessPolicy::expose(const Request& request, Reply& reply) const {
    const auto origin = allowed_origin(request);
    if (!origin) {
        return;
    }
    if (!reply.later) {
        add_cors(reply.response, *origin);
        return;
    }
    reply.later = [later = std::move(reply.later), origin = std::string(*origin)](Responder respond) {
        later([respond = std::move(respond), origin](Response response) {
            add_cors(response, origin);
            respond(std::move(response));
        });
    };
}

} // namespace rocd::api
