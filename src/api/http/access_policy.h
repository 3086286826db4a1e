// Who may use the API, and which browser pages may read its answers: the
// bearer token and CORS, decided for each request before the router sees it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/router.h"
#include "api/http/types.h"
#include "core/log_limit.h"

namespace rocd::api {

class AccessPolicy {
public:
    /// `token` empty: an open API, which the server allows on a loopback
    /// address only; it then also refuses requests whose Host names no
    /// loopback host and cross-origin requests that change state (DNS
    /// rebinding: a page of another site that renamed itself 127.0.0.1).
    /// `cors_origins` empty: no CORS headers at all; "*" allows any.
    AccessPolicy(std::string token, std::vector<std::string> cors_origins);

    /// The answer to a CORS preflight from an allowed origin. Preflights
    /// carry no credentials by design, so this comes before authorize().
    std::optional<Response> preflight(const Request& request) const;

    /// A 401 when a token is needed and the request lacks it or has
    /// another; on an open API a 403 for a Host that is not loopback or a
    /// state-changing request from a foreign origin; nothing when the
    /// request may go on. `peer` names the client in the log line of a
    /// refusal (a few, then one per 10 s with the count of the others).
    std::optional<Response> authorize(const Request& request, std::string_view peer) const;

    /// Lets an allowed origin read the reply, whether it is complete now or
    /// comes later from an asynchronous route.
    void expose(const Request& request, Reply& reply) const;

    /// "localhost", "127.x.y.z" or "[::1]", each with or without a port.
    static bool names_loopback(std::string_view host);

private:
    std::optional<std::string_view> allowed_origin(const Request& request) const;

    std::string token_;
    std::vector<std::string> cors_origins_;
    // Refusals are logged, but a client may cause thousands a second.
    mutable LogLimit refusals_logged_ {5, std::chrono::seconds(10)};
};

} // namespace rocd::api
