// Errors as values: every fallible operation in rocd returns Result<T>.
// The API layer maps an Errc to an HTTP status once, in one place.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace rocd {

/// What kind of failure an Error is; decides the HTTP status at the API edge.
enum class Errc {
    invalid_argument, ///< the caller's input is malformed or out of range (400)
    unauthorized,     ///< missing or wrong credentials (401)
    not_found,        ///< the named thing does not exist (404)
    conflict,         ///< the request clashes with current state (409)
    unsupported,      ///< valid, but not something this build can do (422)
    unavailable,      ///< a resource (device, server, socket) cannot be used now (503)
    timed_out,        ///< something rocd asked (a name server) did not answer in time (504)
    limit_reached,    ///< a configured bound (streams, request rate) is reached (429)
    gone,             ///< the named thing was deleted and will not come back (410)
    io,               ///< the operating system refused (file, socket, database)
    internal,         ///< a bug: should never reach a user with details
};

/// A failure with a human message and, for validation, the offending field
/// path in the caller's input (e.g. "settings.target_latency_ms").
struct Error {
    Errc code = Errc::internal;
    std::string message;
    std::string field;
};

template <class T> using Result = tl::expected<T, Error>;

/// Result of an operation that yields nothing but can fail.
using Status = Result<void>;

/// Shorthand for `return fail(Errc::x, "...")` in functions returning Result.
inline tl::unexpected<Error> fail(Errc code, std::string message, std::string field = {}) {
    return tl::unexpected<Error>(Error {code, std::move(message), std::move(field)});
}

/// `error`, naming `field` unless it already names one: for a caller that
/// knows which input a lower layer's failure came from.
inline tl::unexpected<Error> fail_at(Error error, std::string field) {
    if (error.field.empty()) {
        error.field = std::move(field);
    }
    return tl::unexpected<Error>(std::move(error));
}

/// Stable lower-case name of an Errc, used in logs and problem types.
const char* errc_name(Errc code);

} // namespace rocd
