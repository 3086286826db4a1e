#include "api/http/router.h"

#include <spdlog/spdlog.h>

#include "api/http/problem.h"

namespace rocd::api {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); i++) {
        if (text[i] == '+') {
            out.push_back(' ');
        } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
                   hex_value(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

Response internal_error(const Request& request, std::string_view path, const char* what) {
    spdlog::error("{} {}: unhandled exception: {}", request.method_string(), path, what);
    return problem(http::status::internal_server_error, "internal",
                   "internal error; the daemon's log has the details");
}

/// The Reply::later of an asynchronous route: the handler with a Responder
/// that answers once, and a 500 if the handler throws before answering.
std::function<void(Responder)> later(const AsyncHandler& handler, RequestContext context) {
    return [handler, context = std::move(context)](Responder respond) {
        auto answered = std::make_shared<bool>(false);
        Responder once = [answered, respond = std::move(respond)](Response response) {
            if (*answered) {
                return;
            }
            *answered = true;
            respond(std::move(response));
        };
        try {
            handler(context, once);
        } catch (const std::exception& e) {
            if (!*answered) {
                once(internal_error(context.request, context.path, e.what()));
            }
        }
    };
}

} // namespace

std::map<std::string, std::string> parse_query(std::string_view query) {
    std::map<std::string, std::string> out;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto eq = pair.find('=');
        out[percent_decode(pair.substr(0, eq))] =
            eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
    }
    return out;
}

std::vector<std::string> Router::split(std::string_view path) {
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start < path.size()) {
        if (path[start] == '/') {
            start++;
            continue;
        }
        const auto end = path.find('/', start);
        segments.emplace_back(path.substr(start, end - start));
        if (end == std::string_view::npos) {
            break;
        }
        start = end;
    }
    return segments;
}

void Router::add(http::verb method, std::string pattern, Handler handler, RouteOptions options) {
    routes_.push_back(Route {method, split(pattern), std::move(handler), nullptr, nullptr, options});
}

bool Router::throttled(const Request& request) const {
    const std::string_view target = request.target();
    const auto segments = split(target.substr(0, target.find('?')));
    for (const Route& route : routes_) {
        PathParams params;
        if (route.options.unthrottled && route.method == request.method() && match(route, segments, params)) {
            return false;
        }
    }
    return true;
}

void Router::add_async(http::verb method, std::string pattern, AsyncHandler handler) {
    routes_.push_back(Route {method, split(pattern), nullptr, nullptr, std::move(handler)});
}

void Router::add_stream(std::string pattern, StreamHandler handler) {
    routes_.push_back(Route {http::verb::get, split(pattern), nullptr, std::move(handler), nullptr});
}

bool Router::match(const Route& route, const std::vector<std::string>& segments, PathParams& params) {
    if (route.segments.size() != segments.size()) {
        return false;
    }
    PathParams found;
    for (std::size_t i = 0; i < segments.size(); i++) {
        const std::string& want = route.segments[i];
        if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
            found[want.substr(1, want.size() - 2)] = percent_decode(segments[i]);
        } else if (want != segments[i]) {
            return false;
        }
    }
    params = std::move(found);
    return true;
}

Reply Router::dispatch(const Request& request) const {
    const std::string_view target = request.target();
    const auto question = target.find('?');
    const std::string_view path = target.substr(0, question);
    // Trailing slashes and empty segments are not folded: "/peers/" is not
    // "/peers", so each resource has exactly one URI.
    if (path.empty() || path.front() != '/' || path.find("//") != std::string_view::npos ||
        (path.size() > 1 && path.back() == '/')) {
        return {problem(http::status::not_found, "not-found", "no resource at " + std::string(path)),
                nullptr};
    }
    const auto segments = split(path);

    std::string allow;
    for (const Route& route : routes_) {
        PathParams params;
        if (!match(route, segments, params)) {
            continue;
        }
        // HEAD is GET without the body (RFC 9110 §9.3.2); the session drops it.
        const bool head_of_get =
            request.method() == http::verb::head && route.method == http::verb::get && !route.stream_handler;
        if (route.method != request.method() && !head_of_get) {
            std::string name(http::to_string(route.method));
            if (route.method == http::verb::get && !route.stream_handler) {
                name += ", HEAD";
            }
            if (allow.find(name) == std::string::npos) {
                allow += (allow.empty() ? "" : ", ") + name;
            }
            continue;
        }
        RequestContext context {request, std::string(path), std::move(params),
                                question == std::string_view::npos
                                    ? std::map<std::string, std::string>()
                                    : parse_query(target.substr(question + 1))};
        if (route.async_handler) {
            return {Response {}, nullptr, later(route.async_handler, std::move(context))};
        }
        try {
            if (route.stream_handler) {
                auto source = route.stream_handler(context);
                if (!source) {
                    return {std::move(source.error()), nullptr};
                }
                Response header {http::status::ok, 11};
                header.set(http::field::content_type, "text/event-stream");
                header.set(http::field::cache_control, "no-cache");
                return {std::move(header), std::move(*source)};
            }
            return {route.handler(context), nullptr};
        } catch (const std::exception& e) {
            return {internal_error(request, path, e.what()), nullptr};
        }
    }
    if (!allow.empty()) {
        Response res = problem(http::status::method_not_allowed, "method-not-allowed",
                               std::string(request.method_string()) + " is not allowed on " +
                                   std::string(path) + " (allowed: " + allow + ")");
        res.set(http::field::allow, allow);
        return {std::move(res), nullptr};
    }
    return {problem(http::status::not_found, "not-found", "no resource at " + std::string(path)), nullptr};
}

} // namespace rocd::api
