// What a REST client of A is answered when B refused a forwarded request
// (docs/p2p.md §7.2, §15).
#include "peers/remote_ports.h"

#include <gtest/gtest.h>

namespace rocd::peers {
namespace {

TEST(RestErrorOf, relays_the_peers_problem) {
    p2p::RequestError refused {p2p::ErrorCode::invalid_argument,
                               "volume: out of range",
                               {{"type", "urn:rocd:problem:invalid-field"},
                                {"status", 400},
                                {"detail", "volume must be within 0..4"},
                                {"field", "volume"}}};
    const Error error = rest_error_of(refused, "kitchen");
    EXPECT_EQ(error.code, Errc::invalid_argument);
    EXPECT_EQ(error.message, "volume must be within 0..4");
    EXPECT_EQ(error.field, "volume");
}

TEST(RestErrorOf, maps_the_code_when_the_problem_is_missing_or_unsound) {
    for (const nlohmann::json& problem :
         {nlohmann::json(), nlohmann::json("text"), nlohmann::json {{"status", 999}, {"detail", "x"}},
          nlohmann::json {{"status", "409"}, {"detail", "x"}}, nlohmann::json {{"status", 409}}}) {
        const Error error = rest_error_of({p2p::ErrorCode::conflict, "in use", problem}, "kitchen");
        EXPECT_EQ(error.code, Errc::conflict) << problem.dump();
        EXPECT_EQ(error.message, "peer kitchen: in use");
        EXPECT_TRUE(error.field.empty());
    }
    EXPECT_EQ(rest_error_of({p2p::ErrorCode::untrusted, "pair first", {}}, "k").code, Errc::unavailable);
    EXPECT_EQ(rest_error_of({p2p::ErrorCode::unknown_type, "?", {}}, "k").code, Errc::unsupported);
    EXPECT_EQ(rest_error_of({p2p::ErrorCode::busy, "later", {}}, "k").code, Errc::limit_reached);
    EXPECT_EQ(rest_error_of({p2p::ErrorCode::malformed, "bug", {}}, "k").code, Errc::internal);
}

TEST(RestErrorOf, a_passed_deadline_says_the_outcome_is_unknown) {
    const Error error = rest_error_of({p2p::ErrorCode::timeout, "no reply in 5000 ms", {}}, "kitchen");
    EXPECT_EQ(error.code, Errc::timed_out);
    EXPECT_NE(error.message.find("outcome is unknown"), std::string::npos) << error.message;
}

} // namespace
} // namespace rocd::peers
