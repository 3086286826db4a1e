#include "core/display_name.h"

#include <vector>

#include <gtest/gtest.h>

namespace rocd {
namespace {

TEST(DisplayName, accepts_printable_names_of_1_to_64_characters) {
    for (const std::string& name : std::vector<std::string> {
             "a", "studio-pc", "Küche", "日本語のスピーカー", std::string(64, 'x'), "emoji \xF0\x9F\x8E\xB5",
             " padded ",
             // A family emoji: three people joined by U+200D.
             "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"}) {
        EXPECT_TRUE(check_display_name(name, "display_name")) << name;
    }
}

TEST(DisplayName, refuses_bad_names_naming_the_field) {
    for (const std::string& name :
         {std::string(), std::string(65, 'x'), std::string("a\nb"), std::string("tab\t"), std::string("\x7f"),
          std::string("\xC3"), std::string("\xC0\xAF"), std::string("\xED\xA0\x80"), std::string("\xFF"),
          std::string("a\0b", 3),
          // Only white space: spaces, no-break space, ideographic space.
          std::string("   "), std::string("\xC2\xA0"), std::string("\xE3\x80\x80"),
          // A right-to-left override, an isolate, a mark.
          std::string("speaker\xE2\x80\xAEgnp.exe"), std::string("\xE2\x81\xA6x\xE2\x81\xA9"),
          std::string("a\xE2\x80\x8F"),
          // Zero width space, word joiner, byte order mark, soft hyphen.
          std::string("Kit\xE2\x80\x8B"
                      "chen"),
          std::string("a\xE2\x81\xA0"), std::string("\xEF\xBB\xBFname"),
          std::string("sp\xC2\xAD"
                      "eaker"),
          // The line separator.
          std::string("a\xE2\x80\xA8"
                      "b")}) {
        auto status = check_display_name(name, "display_name");
        ASSERT_FALSE(status) << name;
        EXPECT_EQ(status.error().field, "display_name");
        EXPECT_EQ(status.error().code, Errc::invalid_argument);
    }
}

TEST(DisplayName, says_which_character_is_refused) {
    auto status = check_display_name("speaker\xE2\x80\xAEgnp", "display_name");
    ASSERT_FALSE(status);
    EXPECT_NE(status.error().message.find("U+202E"), std::string::npos) << status.error().message;
    EXPECT_NE(status.error().message.find("bidirectional"), std::string::npos);
}

} // namespace
} // namespace rocd
