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

/// Sends the response of an asynchronous route. Call it once, on the
/// control plane, before returning or later (from a service's completion);
/// further calls are ignored.
using Responder = std::function<void(Response)>;
/// A route whose answer may come later: the handler starts the work and
/// gives the Responder to whatever finishes it. The context is valid only
/// during the call: copy what the completion needs.
using AsyncHandler = std::function<void(const RequestContext&, Responder)>;

/// A route whose body is a stream (SSE): returns the source, or an error
/// response when the request is refused.
using StreamHandler =
    std::function<tl::expected<std::shared_ptr<StreamSource>, Response>(const RequestContext&)>;

/// What dispatch produced: a complete response, or (for stream routes) the
/// response header plus the source of its body.
struct Reply {
    Response response;
    std::shared_ptr<StreamSource> stream;
    /// Asynchronous routes: runs the handler with the Responder given, which
    /// gets the response (the `response` member is then unused). The request
    /// must stay alive until the Responder is called.
    std::function<void(Responder)> later;
};

/// What else a route is.
struct RouteOptions {
    /// Never answered 429 for its client's request rate (a liveness check
    /// must stay reachable whatever else the client's address does).
    bool unthrottled = false;
};

class Router {
public:
    /// Registers `handler` for `method` on `pattern` ("/peers/{peer}/ports").
    void add(http::verb method, std::string pattern, Handler handler, RouteOptions options = {});

    /// Registers a route that answers through a Responder (see AsyncHandler).
    /// HEAD is routed to it like to a synchronous GET.
    void add_async(http::verb method, std::string pattern, AsyncHandler handler);

    /// Registers a streaming route (always GET).
    void add_stream(std::string pattern, StreamHandler handler);

    /// Runs the matching handler. No route for the path: 404; a route for
    /// the path but not for the method: 405 with `Allow`. Handler
    /// exceptions become a 500 without internals (and are logged).
    Reply dispatch(const Request& request) const;

    /// Whether the request counts against its client's request rate: all
    /// but those of a route added as unthrottled.
    bool throttled(const Request& request) const;

private:
    struct Route {
        http::verb method;
        std::vector<std::string> segments;
        Handler handler;
        StreamHandler stream_handler;
        AsyncHandler async_handler;
        RouteOptions options;
    };

    static std::vector<std::string> split(std::string_view path);
    static bool match(const Route& route, const std::vector<std::string>& segments, PathParams& params);

    std::vector<Route> routes_;
};

/// Splits and percent-decodes `a=1&b=x%20y`. Malformed escapes are kept as
/// written.
std::map<std::string, std::string> parse_query(std::string_view query);

} // namespace rocd::api
