#include <gtest/gtest.h>

#include "transport/endpoint.h"

namespace rocd::transport {
namespace {

TEST(Endpoint, parses_roc_schemes_for_their_interface) {
    auto e = parse_endpoint("rtp://127.0.0.1:10001", Interface::source);
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_EQ(e->protocol, Protocol::rtp);
    EXPECT_EQ(e->uri.host(), "127.0.0.1");
    EXPECT_EQ(e->uri.port_number(), 10001);
    EXPECT_EQ(parse_endpoint("rtp+rs8m://h:1", Interface::source)->protocol, Protocol::rtp_rs8m);
    EXPECT_EQ(parse_endpoint("rtp+ldpc://[::1]:1", Interface::source)->protocol, Protocol::rtp_ldpc);
    EXPECT_EQ(parse_endpoint("rs8m://h:2", Interface::repair)->protocol, Protocol::rs8m);
    EXPECT_EQ(parse_endpoint("ldpc://h:2", Interface::repair)->protocol, Protocol::ldpc);
    EXPECT_EQ(parse_endpoint("rtcp://h:3", Interface::control)->protocol, Protocol::rtcp);
    EXPECT_EQ(protocol_footer_size(Protocol::rtp_rs8m), 6u);
    EXPECT_EQ(protocol_footer_size(Protocol::rtp), 0u);
}

TEST(Endpoint, rejects_malformed_uris_and_wrong_schemes) {
    EXPECT_FALSE(parse_endpoint("rtp://127.0.0.1", Interface::source));
    EXPECT_FALSE(parse_endpoint("udp://127.0.0.1:1", Interface::source));
    EXPECT_FALSE(parse_endpoint("rs8m://127.0.0.1:1", Interface::source));
    EXPECT_FALSE(parse_endpoint("rtp://127.0.0.1:1", Interface::repair));
    EXPECT_FALSE(parse_endpoint("not a uri", Interface::source));
    EXPECT_FALSE(parse_endpoint("/streams/abc", Interface::source));
    auto e = parse_endpoint("http://x:1", Interface::source);
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("unsupported scheme"), std::string::npos);
}

} // namespace
} // namespace rocd::transport
