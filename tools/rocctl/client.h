// A small synchronous HTTP client for rocd's API: one connection, JSON in
// and out, problem+json errors turned into messages.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace rocctl {

struct Endpoint {
    std::string host = "127.0.0.1";
    std::string port = "4040";
    std::string token; ///< bearer token; empty = none
};

/// Parses "http://host:port" (no TLS, no path).
rocd::Result<Endpoint> parse_url(const std::string& url);

/// A reply: status and parsed JSON body (null when the body is empty).
struct Reply {
    unsigned status = 0;
    nlohmann::json body;
};

/// The Error of a non-2xx answer: "HTTP <status> <title>: <detail> (field:
/// <field>)" from an RFC 9457 body, else the status and the body's text.
rocd::Error problem_error(unsigned status, const std::string& body);

class Client {
public:
    explicit Client(Endpoint endpoint) : endpoint_(std::move(endpoint)) {}

    /// Sends a request; a non-2xx answer is an Error whose message is the
    /// API's problem detail (and field).
    rocd::Result<Reply> call(const std::string& method, const std::string& target,
                             const std::optional<nlohmann::json>& body = std::nullopt);

    /// GET a text/event-stream and hand each message (event, id, data) to
    /// `on_event` until the server ends it or `on_event` returns false.
    rocd::Status stream_events(const std::string& target,
                               const std::function<bool(const std::string& event, const std::string& id,
                                                        const std::string& data)>& on_event);

private:
    Endpoint endpoint_;
};

} // namespace rocctl
