// Who an open (loopback, no token) API serves, and how the token is read.
#include <gtest/gtest.h>

#include "api/http/access_policy.h"

namespace rocd::api {
namespace {

Request request(http::verb method, std::initializer_list<std::pair<http::field, const char*>> fields) {
    Request r {method, "/streams", 11};
    for (const auto& [f, v] : fields) {
        r.set(f, v);
    }
    return r;
}

TEST(AccessPolicy, loopback_host_names) {
    for (const char* host : {"localhost", "LOCALHOST:4040", "127.0.0.1", "127.0.0.1:4040", "127.8.9.10:1",
                             "[::1]", "[::1]:4040"}) {
        EXPECT_TRUE(AccessPolicy::names_loopback(host)) << host;
    }
    for (const char* host : {"", "evil.example", "evil.example:4040", "127.0.0.1.evil.example", "127.1",
                             "0x7f.0.0.1", "2130706433", "[::2]", "[::1", "[::1]x",
                             "127.0.0.1:", "127.0.0.1:80x", "localhost.evil.example", "10.0.0.1"}) {
        EXPECT_FALSE(AccessPolicy::names_loopback(host)) << host;
    }
}

TEST(AccessPolicy, open_api_refuses_a_foreign_host_name) {
    AccessPolicy open {"", {}};
    EXPECT_FALSE(open.authorize(request(http::verb::get, {{http::field::host, "127.0.0.1:4040"}}), "t"));
    const auto rebound =
        open.authorize(request(http::verb::get, {{http::field::host, "evil.example:4040"}}), "t");
    ASSERT_TRUE(rebound);
    EXPECT_EQ(rebound->result(), http::status::forbidden);
    EXPECT_TRUE(open.authorize(request(http::verb::get, {}), "t")); // no Host at all
}

TEST(AccessPolicy, open_api_refuses_state_changes_from_another_origin) {
    AccessPolicy open {"", {"http://admin.example"}};
    const auto host = std::pair {http::field::host, "127.0.0.1:4040"};
    EXPECT_TRUE(
        open.authorize(request(http::verb::post, {host, {http::field::origin, "http://evil.example"}}), "t"));
    EXPECT_TRUE(open.authorize(request(http::verb::delete_, {host, {http::field::origin, "null"}}), "t"));
    // Reading is not changing; the same origin and an allowed one may change.
    EXPECT_FALSE(
        open.authorize(request(http::verb::get, {host, {http::field::origin, "http://evil.example"}}), "t"));
    EXPECT_FALSE(open.authorize(
        request(http::verb::post, {host, {http::field::origin, "http://127.0.0.1:4040"}}), "t"));
    EXPECT_FALSE(open.authorize(
        request(http::verb::post, {host, {http::field::origin, "http://admin.example"}}), "t"));
    EXPECT_FALSE(open.authorize(request(http::verb::post, {host}), "t")); // not a browser
}

TEST(AccessPolicy, token_scheme_is_case_insensitive_the_token_is_not) {
    AccessPolicy closed {"s3cret", {}};
    EXPECT_FALSE(
        closed.authorize(request(http::verb::get, {{http::field::authorization, "Bearer s3cret"}}), "t"));
    EXPECT_FALSE(
        closed.authorize(request(http::verb::get, {{http::field::authorization, "bearer s3cret"}}), "t"));
    EXPECT_FALSE(
        closed.authorize(request(http::verb::get, {{http::field::authorization, "BEARER s3cret"}}), "t"));
    EXPECT_TRUE(
        closed.authorize(request(http::verb::get, {{http::field::authorization, "Bearer S3CRET"}}), "t"));
    EXPECT_TRUE(
        closed.authorize(request(http::verb::get, {{http::field::authorization, "Basic s3cret"}}), "t"));
    // With a token, the Host is not what protects the API.
    EXPECT_FALSE(closed.authorize(request(http::verb::get, {{http::field::authorization, "Bearer s3cret"},
                                                            {http::field::host, "rocd.lan"}}),
                                  "t"));
}

} // namespace
} // namespace rocd::api
