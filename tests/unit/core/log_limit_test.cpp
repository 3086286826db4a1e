#include "core/log_limit.h"

#include <gtest/gtest.h>

namespace rocd {
namespace {

using namespace std::chrono_literals;

TEST(LogLimit, lets_a_burst_through_then_one_line_per_interval_and_counts_the_rest) {
    LogLimit limit(3, 10s);
    const auto t0 = LogLimit::Clock::time_point {} + 1h;
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(limit.allow(t0));
        EXPECT_EQ(limit.held_back(), "");
    }
    for (int i = 0; i < 1000; ++i) {
        EXPECT_FALSE(limit.allow(t0 + 9s));
    }
    EXPECT_TRUE(limit.allow(t0 + 10s));
    EXPECT_EQ(limit.held_back(), " (1000 similar lines not logged)");
    EXPECT_FALSE(limit.allow(t0 + 11s));
    EXPECT_TRUE(limit.allow(t0 + 20s));
    EXPECT_EQ(limit.held_back(), " (1 similar line not logged)");
}

TEST(LogLimit, a_quiet_spell_refills_the_burst_and_no_more) {
    LogLimit limit(2, 10s);
    const auto t0 = LogLimit::Clock::time_point {} + 1h;
    EXPECT_TRUE(limit.allow(t0));
    EXPECT_TRUE(limit.allow(t0));
    EXPECT_FALSE(limit.allow(t0));
    const auto later = t0 + 1h;
    EXPECT_TRUE(limit.allow(later));
    EXPECT_TRUE(limit.allow(later));
    EXPECT_FALSE(limit.allow(later));
}

} // namespace
} // namespace rocd
