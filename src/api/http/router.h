// Maps (method, path) to a handler; path patterns have `{name}` segments.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/http/types.h"

namespace rocd::api {

/// What a handler gets: the request and the parts of its target.
struct RequestContext {
    const Request& request;
    std::string path;                         ///< target without the query
    PathParams params;                        ///< `{name}` segments of the route
    std::map<std::string, std::string> query; ///< decoded query parameters
};

using Handler = std::function<Response(const RequestContext&)>;

class Router {
public:
    /// Registers `handler` for `method` on `pattern` ("/peers/{peer}/ports").
    void add(http::verb method, std::string pattern, Handler handler);

    /// Runs the matching handler. No route for the path: 404; a route for
    /// the path but not for the method: 405 with `Allow`. Handler
    /// exceptions become a 500 without internals (and are logged).
    Response dispatch(const Request& request) const;

private:
    struct Route {
        http::verb method;
        std::vector<std::string> segments;
        Handler handler;
    };

    static std::vector<std::string> split(std::string_view path);
    static bool match(const Route& route, const std::vector<std::string>& segments, PathParams& params);

    std::vector<Route> routes_;
};

/// Splits and percent-decodes `a=1&b=x%20y`. Malformed escapes are kept as
/// written.
std::map<std::string, std::string> parse_query(std::string_view query);

} // namespace rocd::api
