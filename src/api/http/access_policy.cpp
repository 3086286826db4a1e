#include "api/http/access_policy.h"

#include <algorithm>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/beast/core/string.hpp>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "api/http/problem.h"

namespace rocd::api {

namespace {

bool token_matches(std::string_view header, const std::string& token) {
    // The scheme is case-insensitive (RFC 9110 §11.1); the token is not.
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() != scheme.size() + token.size() ||
        !boost::beast::iequals(header.substr(0, scheme.size()), scheme)) {
        return false;
    }
    // Constant time, so that response timing tells nothing about the token.
    return CRYPTO_memcmp(header.data() + scheme.size(), token.data(), token.size()) == 0;
}

/// The web admin's page and files (api/routes/admin): static, no state in
/// them, so served without the token; the page then asks for it.
bool is_admin_file(std::string_view target) {
    const auto path = target.substr(0, target.find('?'));
    return path == "/" || (path.starts_with("/admin/") && path.find("..") == std::string_view::npos);
}

bool safe_method(http::verb method) {
    return method == http::verb::get || method == http::verb::head || method == http::verb::options;
}

/// "http://host:port" or "https://host:port" → "host:port".
std::string_view origin_authority(std::string_view origin) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (origin.substr(0, scheme.size()) == scheme) {
            return origin.substr(scheme.size());
        }
    }
    return {};
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

bool AccessPolicy::names_loopback(std::string_view host) {
    std::string_view name = host;
    if (name.substr(0, 1) == "[") {
        const auto close = name.find(']');
        if (close == std::string_view::npos) {
            return false;
        }
        const auto rest = name.substr(close + 1);
        if (!rest.empty() && (rest[0] != ':' || rest.size() == 1)) {
            return false;
        }
        return name.substr(1, close - 1) == "::1";
    }
    if (const auto colon = name.find(':'); colon != std::string_view::npos) {
        const auto port = name.substr(colon + 1);
        if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) {
            return false;
        }
        name = name.substr(0, colon);
    }
    if (boost::beast::iequals(name, "localhost")) {
        return true;
    }
    boost::system::error_code ec;
    const auto address = boost::asio::ip::make_address_v4(std::string(name), ec);
    // make_address_v4 takes only dotted quads, so "127.1" or "0x7f.0.0.1" never pass.
    return !ec && address.is_loopback();
}

std::optional<Response> AccessPolicy::authorize(const Request& request, std::string_view peer) const {
    if (token_.empty()) {
        // Open only to this host's own clients: a page of another site whose
        // name now points at 127.0.0.1 sends its own name as Host.
        const auto host = request.find(http::field::host);
        if (host == request.end() || !names_loopback(host->value())) {
            if (refusals_logged_.allow()) {
                spdlog::warn("http {}: {} {}: rejected, Host is not a loopback name{}", peer,
                             request.method_string(), request.target(), refusals_logged_.held_back());
            }
            return problem(http::status::forbidden, "forbidden-host",
                           "this API is open to loopback only: the Host header must be localhost, 127.x.x.x "
                           "or [::1] (or use a token on a public address)");
        }
        const auto origin = request.find(http::field::origin);
        if (origin != request.end() && !safe_method(request.method()) && !allowed_origin(request) &&
            origin_authority(origin->value()) != host->value()) {
            if (refusals_logged_.allow()) {
                spdlog::warn("http {}: {} {}: rejected, cross-origin request from {}{}", peer,
                             request.method_string(), request.target(), origin->value(),
                             refusals_logged_.held_back());
            }
            return problem(
                http::status::forbidden, "forbidden-origin",
                "a page of another origin may not change this daemon (allow it with --cors-origin)");
        }
        return std::nullopt;
    }
    if (token_matches(request[http::field::authorization], token_)) {
        return std::nullopt;
    }
    if (safe_method(request.method()) && is_admin_file(request.target())) {
        return std::nullopt; // the page, which then asks for the token
    }
    const bool missing = request.find(http::field::authorization) == request.end();
    if (refusals_logged_.allow()) {
        spdlog::warn("http {}: {} {}: rejected, {} bearer token{}", peer, request.method_string(),
                     request.target(), missing ? "missing" : "wrong", refusals_logged_.held_back());
    }
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
