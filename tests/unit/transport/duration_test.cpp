#include <gtest/gtest.h>

#include "transport/core/duration.h"

namespace rocd::transport::core {
namespace {

using namespace std::chrono_literals;

TEST(Duration, parses_roc_units) {
    EXPECT_EQ(*parse_duration("20ms"), 20ms);
    EXPECT_EQ(*parse_duration("1.5s"), 1500ms);
    EXPECT_EQ(*parse_duration("100us"), 100us);
    EXPECT_EQ(*parse_duration("250ns"), 250ns);
    EXPECT_EQ(*parse_duration("1m"), 60s);
    EXPECT_EQ(*parse_duration("2h"), 7200s);
    EXPECT_EQ(*parse_duration("0ms"), 0ns);
}

TEST(Duration, rejects_missing_or_unknown_units_and_garbage) {
    for (const char* s : {"", "20", "ms", "-5ms", "5 ms", "5sec", "1e3ms", "x1s", "1..5s"}) {
        EXPECT_FALSE(parse_duration(s).has_value()) << s;
    }
}

TEST(Duration, formats_compactly) {
    EXPECT_EQ(format_duration(20ms), "20ms");
    EXPECT_EQ(format_duration(1500ms), "1.5s");
    EXPECT_EQ(format_duration(5us), "5us");
    EXPECT_EQ(format_duration(7ns), "7ns");
}

TEST(Duration, converts_to_samples_with_rounding) {
    EXPECT_EQ(duration_to_samples(5ms, 44100), 221u); // 220.5 rounds up, as roundf in Roc
    EXPECT_EQ(duration_to_samples(2ms, 44100), 88u);
    EXPECT_EQ(duration_to_samples(200ms, 44100), 8820u);
}

} // namespace
} // namespace rocd::transport::core
