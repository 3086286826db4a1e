#include <gtest/gtest.h>

#include "client.h"
#include "table.h"

namespace rocctl {
namespace {

TEST(ParseUrl, takes_host_and_port) {
    auto a = parse_url("http://127.0.0.1:4040");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, "4040");
    auto b = parse_url("http://[::1]:5000/");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "::1");
    EXPECT_EQ(b->port, "5000");
    auto c = parse_url("http://studio");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->port, "80");
}

TEST(ParseUrl, rejects_other_forms) {
    for (const char* url : {"", "127.0.0.1:4040", "https://x:1", "http://", "http://x:1/path"}) {
        EXPECT_FALSE(parse_url(url)) << url;
    }
}

TEST(ProblemError, shows_status_title_detail_and_field) {
    const auto error =
        problem_error(400, R"({"type":"urn:rocd:problem:invalid-field","title":"Bad Request","status":400,)"
                           R"("detail":"channels must be 1..8","field":"settings.channels"})");
    EXPECT_EQ(error.message, "HTTP 400 Bad Request: channels must be 1..8 (field: settings.channels)");
    EXPECT_EQ(error.field, "settings.channels");
    EXPECT_EQ(error.code, rocd::Errc::invalid_argument);
}

TEST(ProblemError, keeps_a_body_that_is_not_a_problem) {
    EXPECT_EQ(problem_error(502, "bad gateway").message, "HTTP 502: bad gateway");
    EXPECT_EQ(problem_error(500, "").message, "HTTP 500");
    EXPECT_EQ(problem_error(401, R"({"title":"Unauthorized","detail":"missing bearer token"})").code,
              rocd::Errc::unauthorized);
}

TEST(Table, aligns_columns_and_marks_missing_values) {
    auto rows = nlohmann::json::parse(R"([{"a":"x","b":{"c":12}},{"a":"longer"}])");
    const std::string out = render_table(rows, {{"A", "/a"}, {"C", "/b/c"}});
    EXPECT_EQ(out, "A       C\nx       12\nlonger  -\n");
}

TEST(Table, shows_reals_to_three_decimals) {
    auto rows = nlohmann::json::parse(R"([{"r":5.549404375},{"r":0.5},{"r":2.0},{"r":-0.0004}])");
    EXPECT_EQ(render_table(rows, {{"R", "/r"}}), "R\n5.549\n0.5\n2\n0\n");
}

TEST(Table, renders_nested_objects_indented) {
    auto object = nlohmann::json::parse(R"({"state":"active","metrics":{"lost":0}})");
    EXPECT_EQ(render_object(object), "metrics:\n  lost: 0\nstate: active\n");
}

} // namespace
} // namespace rocctl
