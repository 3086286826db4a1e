#include <vector>

#include <gtest/gtest.h>

#include "peers/peer_service.h"

namespace rocd::peers {
namespace {

TEST(PeerService, accepts_printable_names_of_1_to_64_characters) {
    for (const std::string& name :
         std::vector<std::string> {"a", "studio-pc", "Küche", "日本語のスピーカー", std::string(64, 'x'),
                                   "emoji \xF0\x9F\x8E\xB5"}) {
        EXPECT_TRUE(PeerService::validate_display_name(name, "display_name")) << name;
    }
}

TEST(PeerService, rejects_bad_names_naming_the_field) {
    for (const std::string& name :
         {std::string(), std::string(65, 'x'), std::string("a\nb"), std::string("tab\t"), std::string("\x7f"),
          std::string("\xC3"), std::string("\xC0\xAF"), std::string("\xED\xA0\x80"), std::string("\xFF"),
          std::string("a\0b", 3)}) {
        auto status = PeerService::validate_display_name(name, "display_name");
        ASSERT_FALSE(status);
        EXPECT_EQ(status.error().field, "display_name");
        EXPECT_EQ(status.error().code, Errc::invalid_argument);
    }
}

} // namespace
} // namespace rocd::peers
