// The published instance name: the display name, within one DNS label.
#include "discovery/instance_name.h"

#include <gtest/gtest.h>

namespace rocd::discovery {
namespace {

TEST(InstanceName, is_the_display_name_cut_at_63_bytes_on_a_character_boundary) {
    EXPECT_EQ(instance_name("studio"), "studio");
    EXPECT_EQ(instance_name(""), "rocd");
    EXPECT_EQ(instance_name(std::string(63, 'a')), std::string(63, 'a'));
    EXPECT_EQ(instance_name(std::string(80, 'a')), std::string(63, 'a'));
    // 31 two-byte characters are 62 bytes; the 32nd would straddle byte 63.
    std::string accents;
    for (int i = 0; i < 40; ++i) {
        accents += "\xc3\xa9";
    }
    EXPECT_EQ(instance_name(accents), accents.substr(0, 62));
    // A four-byte character across the limit goes whole.
    EXPECT_EQ(instance_name(std::string(61, 'a') + "\xf0\x9f\x8e\xb5" + "b"), std::string(61, 'a'));
}

TEST(InstanceName, a_distinct_one_carries_the_uid_and_fits_a_label) {
    const Uid uid = *Uid::parse("rx4sse-w0zas1-gf2s1o");
    EXPECT_EQ(distinct_instance_name("studio", uid), "studio (rx4sse)");
    EXPECT_EQ(distinct_instance_name("", uid), "rocd (rx4sse)");
    const std::string long_name = distinct_instance_name(std::string(80, 'a'), uid);
    EXPECT_EQ(long_name.size(), max_instance_name);
    EXPECT_EQ(long_name, std::string(54, 'a') + " (rx4sse)");
}

} // namespace
} // namespace rocd::discovery
