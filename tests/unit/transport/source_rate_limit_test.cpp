#include <gtest/gtest.h>

#include "transport/net/source_rate_limit.h"

namespace rocd::transport::net {
namespace {

address::SocketAddress from(std::uint16_t port) {
    return *address::SocketAddress::numeric("192.0.2.1", port);
}

constexpr std::int64_t ms = 1'000'000;

// Packets allowed out of `count` sent evenly over one second.
std::size_t allowed_of(SourceRateLimit& limit, const address::SocketAddress& a, std::size_t count,
                       std::int64_t start_ns) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < count; ++i) {
        n += limit.allow(a, start_ns + std::int64_t(i) * 1000 * ms / std::int64_t(count)) ? 1 : 0;
    }
    return n;
}

TEST(SourceRateLimit, a_source_within_its_rate_loses_nothing) {
    SourceRateLimit limit(1000, 32);
    EXPECT_EQ(allowed_of(limit, from(5000), 400, 0), 400u);
}

TEST(SourceRateLimit, a_flood_from_one_source_is_cut_to_its_rate_and_others_keep_theirs) {
    SourceRateLimit limit(1000, 32);
    std::size_t flood = 0, real = 0;
    for (int i = 0; i < 30000; ++i) { // 30,000 per second for a second
        const std::int64_t t = std::int64_t(i) * 1000 * ms / 30000;
        flood += limit.allow(from(6000), t) ? 1 : 0;
        if (i % 150 == 0) { // 200 per second
            real += limit.allow(from(5000), t) ? 1 : 0;
        }
    }
    EXPECT_GE(flood, 1000u);
    EXPECT_LE(flood, 1000u + 32u + 1u);
    EXPECT_EQ(real, 200u);
}

TEST(SourceRateLimit, a_burst_is_taken_up_to_its_size) {
    SourceRateLimit limit(1000, 32);
    std::size_t n = 0;
    for (int i = 0; i < 100; ++i) {
        n += limit.allow(from(5000), 0) ? 1 : 0;
    }
    EXPECT_EQ(n, 32u);
    // 10 ms later, 10 more.
    n = 0;
    for (int i = 0; i < 100; ++i) {
        n += limit.allow(from(5000), 10 * ms) ? 1 : 0;
    }
    EXPECT_EQ(n, 10u);
}

TEST(SourceRateLimit, rotating_sources_are_forgotten_least_recent_first) {
    SourceRateLimit limit(1, 4); // one packet a second: no refill within the test
    for (int i = 0; i < 10; ++i) {
        limit.allow(from(5000), 0);
    }
    EXPECT_FALSE(limit.allow(from(5000), 0));
    // As many other sources as the table holds, each heard later: the
    // exhausted source is the least recent and is forgotten (the table does
    // not grow), so it starts again with a full bucket.
    for (std::uint16_t p = 1; p <= SourceRateLimit::Sources; ++p) {
        EXPECT_TRUE(limit.allow(from(static_cast<std::uint16_t>(7000 + p)), p * ms));
    }
    EXPECT_TRUE(limit.allow(from(5000), 100 * ms));
    // While one that is still in the table keeps its empty bucket.
    for (int i = 0; i < 10; ++i) {
        limit.allow(from(5000), 100 * ms);
    }
    EXPECT_TRUE(limit.allow(from(7064), 101 * ms));
    EXPECT_FALSE(limit.allow(from(5000), 101 * ms));
}

TEST(SourceRateLimit, zero_disables_it) {
    SourceRateLimit limit(0, 0);
    EXPECT_EQ(allowed_of(limit, from(5000), 100000, 0), 100000u);
}

} // namespace
} // namespace rocd::transport::net
