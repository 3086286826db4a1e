#include "api/routes/peer_replies.h"

#include "api/http/problem.h"

namespace rocd::api {

namespace {

p2p::ErrorCode code_of(Errc errc) {
    switch (errc) {
    case Errc::invalid_argument:
        return p2p::ErrorCode::invalid_argument;
    case Errc::not_found:
        return p2p::ErrorCode::not_found;
    case Errc::conflict:
        return p2p::ErrorCode::conflict;
    case Errc::unavailable:
    case Errc::unsupported:
        return p2p::ErrorCode::unavailable;
    case Errc::timed_out:
        return p2p::ErrorCode::timeout;
    case Errc::limit_reached:
        return p2p::ErrorCode::busy;
    case Errc::gone:
        return p2p::ErrorCode::gone;
    case Errc::unauthorized:
    case Errc::io:
    case Errc::internal:
        break;
    }
    return p2p::ErrorCode::internal;
}

} // namespace

/// The error answer, with the problem this daemon's REST API would give.
p2p::Message peer_error_reply(const p2p::Message& request, const Error& error) {
    const nlohmann::json problem = problem_json(error);
    p2p::Message reply = p2p::error_reply(request, code_of(error.code), problem.value("detail", ""));
    reply.body["problem"] = problem;
    return reply;
}

Result<Uid> uid_field(const nlohmann::json& body, const char* name) {
    auto it = body.find(name);
    if (it == body.end() || !it->is_string()) {
        return fail(Errc::invalid_argument, std::string(name) + ": expected a uid", name);
    }
    auto uid = Uid::parse(it->get<std::string>());
    if (!uid) {
        return fail(Errc::invalid_argument, std::string(name) + ": " + uid.error().message, name);
    }
    return *uid;
}

} // namespace rocd::api
