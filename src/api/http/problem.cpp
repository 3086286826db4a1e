#include "api/http/problem.h"

#include "api/http/json_body.h"

#include <nlohmann/json.hpp>

namespace rocd::api {

namespace {

std::string_view problem_name(Errc code) {
    switch (code) {
    case Errc::invalid_argument:
        return "invalid-field";
    case Errc::unauthorized:
        return "unauthorized";
    case Errc::not_found:
        return "not-found";
    case Errc::conflict:
        return "conflict";
    case Errc::unsupported:
        return "unsupported";
    case Errc::unavailable:
        return "unavailable";
    case Errc::timed_out:
        return "timed-out";
    case Errc::limit_reached:
        return "limit-reached";
    case Errc::gone:
        return "gone";
    case Errc::io:
    case Errc::internal:
        break;
    }
    return "internal";
}

} // namespace

http::status status_of(Errc code) {
    switch (code) {
    case Errc::invalid_argument:
        return http::status::bad_request;
    case Errc::unauthorized:
        return http::status::unauthorized;
    case Errc::not_found:
        return http::status::not_found;
    case Errc::conflict:
        return http::status::conflict;
    case Errc::unsupported:
        return http::status::unprocessable_entity;
    case Errc::unavailable:
        return http::status::service_unavailable;
    case Errc::timed_out:
        return http::status::gateway_timeout;
    case Errc::limit_reached:
        return http::status::too_many_requests;
    case Errc::gone:
        return http::status::gone;
    case Errc::io:
    case Errc::internal:
        break;
    }
    return http::status::internal_server_error;
}

namespace {

nlohmann::json problem_body(http::status status, std::string_view name, std::string_view detail,
                            std::string_view field) {
    nlohmann::json body {
        {"type", "urn:rocd:problem:" + std::string(name)},
        {"title", std::string(http::obsolete_reason(status))},
        {"status", static_cast<unsigned>(status)},
        {"detail", std::string(detail)},
    };
    if (!field.empty()) {
        body["field"] = std::string(field);
    }
    return body;
}

Response problem_response(http::status status, const nlohmann::json& body) {
    Response res {status, 11};
    res.set(http::field::content_type, "application/problem+json");
    res.body() = json_text(body);
    res.prepare_payload();
    return res;
}

} // namespace

nlohmann::json problem_json(const Error& error) {
    const http::status status = status_of(error.code);
    if (status == http::status::internal_server_error) {
        return problem_body(status, "internal", "internal error; the daemon's log has the details", {});
    }
    return problem_body(status, problem_name(error.code), error.message, error.field);
}

Response problem(http::status status, std::string_view name, std::string_view detail,
                 std::string_view field) {
    return problem_response(status, problem_body(status, name, detail, field));
}

Response problem(const Error& error) {
    return problem_response(status_of(error.code), problem_json(error));
}

} // namespace rocd::api
