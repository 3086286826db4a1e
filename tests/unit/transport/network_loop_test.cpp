// The network thread ticks (flushing what the audio side queued) only while
// it serves a port: an idle daemon's loop sleeps in epoll_wait.
#include "transport/net/network_loop.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

namespace rocd::transport::net {
namespace {

using namespace std::chrono_literals;

struct CountingPort : IPort {
    int fd() const override { return -1; }
    void on_readable() override {}
    void on_tick() override { ticks.fetch_add(1); }
    std::atomic<int> ticks {0};
};

bool wait_for(const std::function<bool()>& done) {
    for (int i = 0; i < 500 && !done(); ++i) {
        std::this_thread::sleep_for(10ms);
    }
    return done();
}

TEST(NetworkLoop, ticks_only_while_it_has_a_port) {
    auto loop = NetworkLoop::create(1ms);
    ASSERT_TRUE(loop) << loop.error().message;
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ((*loop)->ticks(), 0u) << "no port, no tick";

    CountingPort port;
    ASSERT_TRUE((*loop)->add(port));
    EXPECT_TRUE(wait_for([&] { return port.ticks >= 3; })) << "a port is flushed every tick";

    (*loop)->remove(port);
    const auto after_remove = (*loop)->ticks();
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ((*loop)->ticks(), after_remove) << "the last port gone, the ticks stop";

    CountingPort again;
    ASSERT_TRUE((*loop)->add(again));
    EXPECT_TRUE(wait_for([&] { return again.ticks >= 3; })) << "and start again with the next";
    (*loop)->remove(again);
}

} // namespace
} // namespace rocd::transport::net
