// Maps (method, path) to a handler; path patterns have `{name}` segments.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <memory>

#include <tl/expected.hpp>

#include "api/http/stream_body.h"
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

/// A route whose body is a stream (SSE): returns the source, or an error
/// response when the request is refused.
using StreamHandler =
    std::function<tl::expected<std::shared_ptr<StreamSource>, Response>(const RequestContext&)>;

/// What dispatch produced: a complete response, or (for stream routes) the
/// response header plus the source of its body.
struct Reply {
    Response response;
    std::shared_ptr<StreamSource> stream;
};

class Router {
public:
    /// Registers `handler` for `method` on `pattern` ("/peers/{peer}/ports").
    void add(http::verb method, std::string pattern, Handler handler);

    /// Registers a streaming route (always GET).
    void add_stream(std::string pattern, StreamHandler handler);

    /// Runs the matching handler. No route for the path: 404; a route for
    /// the path but not for the method: 405 with `Allow`. Handler
    /// exceptions become a 500 without internals (and are logged).
    Reply dispatch(const Request& request) const;

private:
    struct Route {
        http::verb method;
        std::vector<std::string> segments;
        Handler handler;
        StreamHandler stream_handler;
    };

    static std::vector<std::string> split(std::string_view path);
    static bool match(const Route& route, const std::vector<std::string>& segments, PathParams& params);

    std::vector<Route> routes_;
};

/// Splits and percent-decodes `a=1&b=x%20y`. Malformed escapes are kept as
/// written.
std::map<std::string, std::string> parse_query(std::string_view query);

} // namespace rocd::api
