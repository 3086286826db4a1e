// What a connection and the server that accepted it know of each other.
// The server holds every open session to stop them; a session asks its
// host for the router and the access policy, and says when it is gone.
#pragma once

#include <chrono>

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
};

/// The timeouts a session applies, copied from the server's options.
struct SessionTimeouts {
    /// From a request's first byte until its header (and body) are in; also
    /// bounds writing an answer.
    std::chrono::milliseconds header;
    /// Waiting for the next request of a kept-alive connection.
    std::chrono::milliseconds idle;
};

/// The server, as its sessions see it.
class SessionHost {
public:
    virtual const Router& router() const = 0;
    virtual const AccessPolicy& access() const = 0;
    /// `session` is being destroyed.
    virtual void session_closed(Session& session) = 0;

protected:
    ~SessionHost() = default;
};

/// The answer to a connection over the limit: 503, and the connection
/// closes after it.
Response too_many_connections();

} // namespace rocd::api
