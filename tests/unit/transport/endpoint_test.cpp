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

namespace rocd::transport {
namespace {

TEST(Endpoint, refuses_ipv4_written_in_legacy_numeric_forms) {
    for (const char* host : {"1.2.3", "2130706433", "0x7f.0.0.1", "127.1", "1.2.3.0x4"}) {
        auto e = parse_endpoint(std::string("rtp://") + host + ":10001", Interface::source);
        ASSERT_FALSE(e) << host;
        EXPECT_NE(e.error().message.find("neither a dotted-quad"), std::string::npos) << e.error().message;
    }
    EXPECT_TRUE(parse_endpoint("rtp://speakers.lan:10001", Interface::source));
    EXPECT_TRUE(parse_endpoint("rtp://host1:10001", Interface::source));
}

TEST(Endpoint, names_and_numeric_hosts_are_told_apart_and_a_name_is_replaced_by_its_address) {
    auto named = parse_endpoint("rtp+rs8m://speakers.lan:10001", Interface::source);
    ASSERT_TRUE(named);
    EXPECT_FALSE(has_numeric_host(*named));
    EXPECT_TRUE(has_numeric_host(*parse_endpoint("rtp://10.0.0.2:1", Interface::source)));
    EXPECT_TRUE(has_numeric_host(*parse_endpoint("rtp://[::1]:1", Interface::source)));

    auto v4 = with_address(*named, *address::SocketAddress::numeric("10.1.2.3", 0));
    EXPECT_EQ(v4.protocol, Protocol::rtp_rs8m);
    EXPECT_EQ(v4.uri.str(), "rtp+rs8m://10.1.2.3:10001");
    auto v6 = with_address(*named, *address::SocketAddress::numeric("fd00::7", 0));
    EXPECT_EQ(v6.uri.str(), "rtp+rs8m://[fd00::7]:10001");
    EXPECT_TRUE(has_numeric_host(v6));
}

TEST(SocketAddress, numeric_takes_only_the_rfc_forms_and_never_looks_up) {
    EXPECT_EQ(address::SocketAddress::numeric("192.168.0.1", 5)->str(), "192.168.0.1:5");
    EXPECT_EQ(address::SocketAddress::numeric("::1", 5)->str(), "[::1]:5");
    for (const char* host : {"localhost", "1.2.3", "2130706433", "0x7f.0.0.1", "01.2.3.4", ""}) {
        auto a = address::SocketAddress::numeric(host, 5);
        EXPECT_FALSE(a) << host;
    }
}

} // namespace
} // namespace rocd::transport
