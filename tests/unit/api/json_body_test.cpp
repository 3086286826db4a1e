#include <gtest/gtest.h>

#include "api/http/json_body.h"
#include "api/http/problem.h"
#include "api/representation/json_object.h"

namespace rocd::api {
namespace {

Request with_body(std::string content_type, std::string body) {
    Request req {http::verb::patch, "/peers/self", 11};
    if (!content_type.empty()) {
        req.set(http::field::content_type, content_type);
    }
    req.body() = std::move(body);
    return req;
}

TEST(JsonBody, accepts_json_objects_with_media_type_parameters) {
    EXPECT_TRUE(parse_json_object(with_body("application/json", "{}")));
    EXPECT_TRUE(parse_json_object(with_body("application/json; charset=utf-8", "{\"a\":1}")));
    EXPECT_TRUE(parse_json_object(with_body("Application/JSON", "{}")));
}

TEST(JsonBody, other_media_types_are_415) {
    for (const char* type : {"", "text/plain", "application/jsonx", "application/x-www-form-urlencoded"}) {
        auto body = parse_json_object(with_body(type, "{}"));
        ASSERT_FALSE(body) << type;
        EXPECT_EQ(body.error().result(), http::status::unsupported_media_type);
    }
}

TEST(JsonBody, malformed_or_non_object_json_is_400) {
    for (const char* text : {"{bad", "", "[]", "1", "\"x\"", "{\"a\":1}}", "null"}) {
        auto body = parse_json_object(with_body("application/json", text));
        ASSERT_FALSE(body) << text;
        EXPECT_EQ(body.error().result(), http::status::bad_request);
        EXPECT_NE(body.error().body().find("urn:rocd:problem:invalid-json"), std::string::npos);
    }
}

TEST(CheckFields, names_the_first_unknown_field_with_prefix) {
    auto object = nlohmann::json::parse(R"({"a":1,"zz":2})");
    EXPECT_TRUE(check_fields(object, {"a", "zz"}));
    auto status = check_fields(object, {"a"}, "settings.");
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().field, "settings.zz");
}

TEST(Problem, maps_errors_to_statuses_and_hides_internal_details) {
    EXPECT_EQ(problem(Error {Errc::not_found, "no peer x", {}}).result(), http::status::not_found);
    EXPECT_EQ(problem(Error {Errc::conflict, "busy", {}}).result(), http::status::conflict);
    auto bad = problem(Error {Errc::invalid_argument, "bad", "display_name"});
    EXPECT_EQ(bad.result(), http::status::bad_request);
    EXPECT_NE(bad.body().find("\"field\":\"display_name\""), std::string::npos);
    auto internal = problem(Error {Errc::io, "disk /secret/path failed", {}});
    EXPECT_EQ(internal.result(), http::status::internal_server_error);
    EXPECT_EQ(internal.body().find("/secret/path"), std::string::npos);
}

} // namespace
} // namespace rocd::api
