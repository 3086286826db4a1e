// What a connection and the server that accepted it know of each other.
// The server holds every open session to stop them; a session asks its
// host for the router and the access policy, and says when it is gone.
#pragma once

#include <chrono>
#include <optional>

#include <boost/asio/ip/address.hpp>

#include "api/http/access_policy.h"
#include "api/http/router.h"
#include "api/http/types.h"

namespace rocd::api {

/// One connection, whatever its transport.
class Session {
public:
    virtual ~Session() = default;
    /// Close now if waiting for a request; otherwise after the response.
    virtual void stop_when_idle() = 0;
    /// The host is going away: do not call it again.
    virtual void detach() = 0;
    /// The client's address (the port left out).
    virtual const boost::asio::ip::address& client() const = 0;
    /// Since when the connection has been waiting for a whole request: a
    /// new or kept-alive connection, or one whose request is still coming
    /// in. Empty while a request is answered or a body streams.
    virtual std::optional<std::chrono::steady_clock::time_point> waiting_since() const = 0;
    /// Closes now, without an answer: the server needs the slot for a new
    /// connection. Only for a session that is waiting.
    virtual void evict() = 0;
};

/// The timeouts a session applies, copied from the server's options.
struct SessionTimeouts {
    /// From a request's first byte until its header (and body) are in, and
    /// for a new connection from its start; also bounds writing an answer.
    std::chrono::milliseconds header;
    /// Waiting for the next request of a kept-alive connection.
    std::chrono::milliseconds idle;
};

/// The server, as its sessions see it.
class SessionHost {
public:
    virtual const Router& router() const = 0;
    virtual const AccessPolicy& access() const = 0;
    /// `session` now streams a long-lived body (GET /events): it no longer
    /// counts among the request connections, which it would otherwise hold
    /// for as long as it stays (the route bounds those streams itself).
    virtual void session_streaming(Session& session) = 0;
    /// Whether `client` is over its request rate: how long it should wait
    /// (the Retry-After of a 429), or nothing when the request may go on.
    /// Not asked for requests of a route added as unthrottled.
    virtual std::optional<std::chrono::seconds> throttle(const boost::asio::ip::address& client) = 0;
    /// `session` is being destroyed.
    virtual void session_closed(Session& session) = 0;

protected:
    ~SessionHost() = default;
};

/// The answer to a connection over the limit: 503, and the connection
/// closes after it.
Response too_many_connections();

/// The answer to a client over its request rate: 429 with Retry-After.
Response too_many_requests(std::chrono::seconds retry_after);

} // namespace rocd::api
