// §17.5's budgets, at one instant (no refill happens within a test this short).
#include "peers/inbound_budget.h"

#include <gtest/gtest.h>

namespace rocd::peers {
namespace {

p2p::RawKey key(std::uint8_t n) {
    p2p::RawKey k {};
    k[0] = n;
    return k;
}

int count(const std::function<bool()>& take, int tries) {
    int passed = 0;
    for (int i = 0; i < tries; ++i) {
        passed += take() ? 1 : 0;
    }
    return passed;
}

TEST(InboundBudget, handshakes_five_per_address_and_twenty_in_all) {
    InboundBudget budget;
    EXPECT_EQ(count([&] { return budget.handshake("10.0.0.1"); }, 10), 5);
    EXPECT_EQ(count([&] { return budget.handshake("10.0.0.2"); }, 10), 5);
    EXPECT_EQ(count([&] { return budget.handshake("10.0.0.3"); }, 10), 5);
    EXPECT_EQ(count([&] { return budget.handshake("10.0.0.4"); }, 10), 5);
    EXPECT_EQ(count([&] { return budget.handshake("10.0.0.5"); }, 10), 0) << "twenty in all";
    EXPECT_EQ(budget.handshakes_deferred(), 30u);
}

TEST(InboundBudget, untrusted_keys_five_each_and_fifty_in_all) {
    InboundBudget budget;
    int passed = 0;
    for (std::uint8_t k = 0; k < 20; ++k) {
        passed += count([&] { return budget.untrusted_message(key(k)); }, 10);
    }
    EXPECT_EQ(passed, 50);
    EXPECT_EQ(budget.messages_dropped(), 150u);
}

TEST(InboundBudget, trusted_keys_two_hundred_requests_each) {
    InboundBudget budget;
    EXPECT_EQ(count([&] { return budget.trusted_request(key(1)); }, 300), 200);
    EXPECT_EQ(count([&] { return budget.trusted_request(key(2)); }, 300), 200) << "per key";
    EXPECT_EQ(budget.requests_refused(), 200u);
}

} // namespace
} // namespace rocd::peers
