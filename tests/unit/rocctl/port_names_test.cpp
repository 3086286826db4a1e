#include <gtest/gtest.h>

#include "port_names.h"

namespace rocctl {
namespace {

using nlohmann::json;

const json peers = json::array({
    {{"peer_uid", "aaaaaa-aaaaaa-aaaaaa"}, {"display_name", "Studio"}},
    {{"peer_uid", "bbbbbb-bbbbbb-bbbbbb"}, {"display_name", "Kitchen"}},
    {{"peer_uid", "cccccc-cccccc-cccccc"}, {"display_name", "kitchen"}},
});

TEST(PortNames, tells_names_from_port_uris_and_addresses) {
    EXPECT_TRUE(is_port_name("kitchen:Speakers"));
    EXPECT_TRUE(is_port_name("Speakers"));
    EXPECT_FALSE(is_port_name("/peers/self/ports/aaaaaa-bbbbbb-cccccc"));
    EXPECT_FALSE(is_port_name("rtp+rs8m://10.0.0.2:10001"));
    EXPECT_FALSE(is_port_name(""));
}

TEST(PortNames, finds_a_peer_by_uid_then_exact_name_then_ignoring_case) {
    EXPECT_EQ(*find_peer(peers, "self"), "self");
    EXPECT_EQ(*find_peer(peers, "cccccc-cccccc-cccccc"), "cccccc-cccccc-cccccc");
    EXPECT_EQ(*find_peer(peers, "Kitchen"), "bbbbbb-bbbbbb-bbbbbb");
    EXPECT_EQ(*find_peer(peers, "studio"), "aaaaaa-aaaaaa-aaaaaa");
    auto ambiguous = find_peer(peers, "KITCHEN");
    ASSERT_FALSE(ambiguous);
    EXPECT_NE(ambiguous.error().message.find("more than one peer named 'KITCHEN'"), std::string::npos);
    auto unknown = find_peer(peers, "garage");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("Studio (aaaaaa-aaaaaa-aaaaaa)"), std::string::npos)
        << unknown.error().message;
}

TEST(PortNames, finds_a_port_and_answers_its_uri) {
    const json ports = json::array({
        {{"port_uid", "dddddd-dddddd-dddddd"},
         {"display_name", "Speakers"},
         {"port_uri", "/peers/bbbbbb-bbbbbb-bbbbbb/ports/dddddd-dddddd-dddddd"}},
        {{"port_uid", "eeeeee-eeeeee-eeeeee"},
         {"display_name", "Microphone"},
         {"port_uri", "/peers/bbbbbb-bbbbbb-bbbbbb/ports/eeeeee-eeeeee-eeeeee"}},
    });
    EXPECT_EQ(*find_port(ports, "speakers", "Kitchen"),
              "/peers/bbbbbb-bbbbbb-bbbbbb/ports/dddddd-dddddd-dddddd");
    EXPECT_EQ(*find_port(ports, "eeeeee-eeeeee-eeeeee", "Kitchen"),
              "/peers/bbbbbb-bbbbbb-bbbbbb/ports/eeeeee-eeeeee-eeeeee");
    auto unknown = find_port(ports, "Headphones", "Kitchen");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("no port named 'Headphones' on Kitchen"), std::string::npos);
}

} // namespace
} // namespace rocctl
