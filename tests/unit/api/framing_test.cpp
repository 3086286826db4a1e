// Which Transfer-Encoding headers rocd trusts to delimit a body.
#include <gtest/gtest.h>

#include "api/http/framing.h"

namespace rocd::api {
namespace {

Request with(std::initializer_list<std::pair<http::field, const char*>> fields) {
    Request r {http::verb::post, "/streams", 11};
    for (const auto& [f, v] : fields) {
        r.insert(f, v);
    }
    return r;
}

constexpr auto te = http::field::transfer_encoding;

TEST(Framing, trusts_no_transfer_encoding_and_a_single_chunked) {
    EXPECT_FALSE(framing_problem(with({})));
    EXPECT_FALSE(framing_problem(with({{http::field::content_length, "5"}})));
    EXPECT_FALSE(framing_problem(with({{te, "chunked"}})));
    EXPECT_FALSE(framing_problem(with({{te, "CHUNKED"}})));
    EXPECT_FALSE(framing_problem(with({{te, " chunked ,"}}))); // empty list elements do not count
}

TEST(Framing, refuses_every_other_coding_list) {
    for (const char* value : {"gzip", "identity", "", " , ", "chunked, gzip", "gzip, chunked",
                              "chunked, chunked", "chunked;q=1", "x-unknown"}) {
        EXPECT_TRUE(framing_problem(with({{te, value}}))) << value;
    }
    EXPECT_TRUE(framing_problem(with({{te, "gzip"}, {te, "chunked"}})));
    EXPECT_TRUE(framing_problem(with({{te, "chunked"}, {te, "chunked"}})));
}

TEST(Framing, refuses_transfer_encoding_with_content_length) {
    const auto why = framing_problem(with({{te, "chunked"}, {http::field::content_length, "5"}}));
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("Content-Length"), std::string::npos);
}

} // namespace
} // namespace rocd::api
