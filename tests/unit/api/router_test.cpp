#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/http/json_body.h"
#include "api/http/router.h"

namespace rocd::api {
namespace {

Request make(http::verb method, std::string target) {
    Request req {method, target, 11};
    return req;
}

nlohmann::json body_of(const Response& res) {
    return nlohmann::json::parse(res.body());
}

class RouterTest : public ::testing::Test {
protected:
    void SetUp() override {
        router_.add(http::verb::get, "/peers", [](const RequestContext&) { return json_response("list"); });
        router_.add(http::verb::get, "/peers/{peer}", [](const RequestContext& c) {
            return json_response({{"peer", c.params.at("peer")}, {"query", c.query}});
        });
        router_.add(http::verb::patch, "/peers/{peer}",
                    [](const RequestContext&) { return json_response("patched"); });
        router_.add(http::verb::get, "/boom",
                    [](const RequestContext&) -> Response { throw std::runtime_error("secret internals"); });
    }
    Router router_;
};

TEST_F(RouterTest, dispatches_by_method_and_path_with_params) {
    auto res = router_.dispatch(make(http::verb::get, "/peers/self?x=1&y=a%20b")).response;
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(body_of(res)["peer"], "self");
    EXPECT_EQ(body_of(res)["query"]["x"], "1");
    EXPECT_EQ(body_of(res)["query"]["y"], "a b");
    EXPECT_EQ(body_of(router_.dispatch(make(http::verb::patch, "/peers/x")).response), "patched");
    EXPECT_EQ(body_of(router_.dispatch(make(http::verb::get, "/peers")).response), "list");
}

TEST_F(RouterTest, unknown_paths_are_404_problems) {
    for (const char* target :
         {"/", "/nope", "/peers/self/x", "/peers/", "//peers", "peers", "/peers//self"}) {
        auto res = router_.dispatch(make(http::verb::get, target)).response;
        EXPECT_EQ(res.result(), http::status::not_found) << target;
        EXPECT_EQ(res[http::field::content_type], "application/problem+json");
        EXPECT_EQ(body_of(res)["type"], "urn:rocd:problem:not-found");
    }
}

// Found by fuzz_http: the 404 named the path, and serialising a path that is
// not UTF-8 threw out of the server's handler, ending the daemon.
TEST_F(RouterTest, a_path_that_is_not_utf8_is_named_with_replacement_characters) {
    // A lone byte 0xBD inside a path; U+FFFD (EF BF BD in UTF-8) names it.
    const std::string not_utf8 = std::string("/ope") + '\xbd' + "api.json";
    const std::string replaced = std::string("/ope") + "\xef\xbf\xbd" + "api.json";
    for (const std::string& target :
         {not_utf8, std::string("/peers/\xff\xfe"), std::string("/peers/self?x=%bd")}) {
        Response res;
        ASSERT_NO_THROW(res = router_.dispatch(make(http::verb::get, target)).response) << target;
        const auto body = nlohmann::json::parse(res.body(), nullptr, false);
        ASSERT_FALSE(body.is_discarded()) << target;
    }
    auto res = router_.dispatch(make(http::verb::get, not_utf8)).response;
    EXPECT_EQ(res.result(), http::status::not_found);
    EXPECT_NE(body_of(res)["detail"].get<std::string>().find(replaced), std::string::npos);
    auto named = router_.dispatch(make(http::verb::get, "/peers/\xff")).response;
    EXPECT_EQ(body_of(named)["peer"], "\xef\xbf\xbd");
}

TEST_F(RouterTest, wrong_method_is_405_with_allow) {
    auto res = router_.dispatch(make(http::verb::delete_, "/peers/self")).response;
    EXPECT_EQ(res.result(), http::status::method_not_allowed);
    EXPECT_EQ(res[http::field::allow], "GET, HEAD, PATCH");
    EXPECT_EQ(body_of(res)["status"], 405);
}

TEST_F(RouterTest, head_is_answered_by_get_routes) {
    auto res = router_.dispatch(make(http::verb::head, "/peers")).response;
    EXPECT_EQ(res.result(), http::status::ok);
    auto refused = router_.dispatch(make(http::verb::head, "/nope")).response;
    EXPECT_EQ(refused.result(), http::status::not_found);
}

TEST_F(RouterTest, handler_exceptions_are_500_without_internals) {
    auto res = router_.dispatch(make(http::verb::get, "/boom")).response;
    EXPECT_EQ(res.result(), http::status::internal_server_error);
    EXPECT_EQ(res.body().find("secret"), std::string::npos);
}

TEST(ParseQuery, decodes_pairs) {
    auto q = parse_query("a=1&b=%41%42&c&=x&d=%zz&e=%4");
    EXPECT_EQ(q["a"], "1");
    EXPECT_EQ(q["b"], "AB");
    EXPECT_EQ(q["c"], "");
    EXPECT_EQ(q["d"], "%zz");
    EXPECT_EQ(q["e"], "%4");
}

} // namespace
} // namespace rocd::api
