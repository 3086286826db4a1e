// The Avahi adapter where no avahi-daemon can be reached (the machines that
// run the unit tests have none): it starts, keeps retrying on its own
// thread without blocking the control plane, and stops cleanly. With a
// daemon it is tested across network namespaces (tests/netns/discovery.sh).
#include "discovery/dns_sd.h"

#include <chrono>
#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>

namespace rocd::discovery {
namespace {

using namespace std::chrono_literals;

class NoAvahi : public ::testing::Test {
protected:
    // libdbus reads the system bus's address from here: a socket that does
    // not exist, so nothing on this machine is ever announced to.
    void SetUp() override { ::setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/rocd-test-bus", 1); }
    void TearDown() override { ::unsetenv("DBUS_SYSTEM_BUS_ADDRESS"); }

    DnsSd::Self self() {
        return {
            .uid = Uid::random(), .public_key = {}, .versions = {}, .display_name = "studio", .port = 4041};
    }
};

TEST_F(NoAvahi, starts_without_blocking_finds_nothing_and_stops) {
    boost::asio::io_context io;
    int found = 0;
    const auto before = std::chrono::steady_clock::now();
    auto dns_sd = DnsSd::start(io, self(), [&](const DnsSd::Found&) { ++found; });
    ASSERT_NE(dns_sd, nullptr);
    EXPECT_LT(std::chrono::steady_clock::now() - before, 100ms) << "start() must not wait for D-Bus";
    std::this_thread::sleep_for(300ms); // its thread tries the bus and schedules a retry
    dns_sd.reset();
    io.run_for(50ms);
    EXPECT_EQ(found, 0);
}

TEST_F(NoAvahi, stops_at_once_however_often_it_is_started) {
    boost::asio::io_context io;
    for (int i = 0; i < 20; ++i) {
        auto dns_sd = DnsSd::start(io, self(), [](const DnsSd::Found&) {});
        ASSERT_NE(dns_sd, nullptr);
    }
    io.run_for(10ms);
}

} // namespace
} // namespace rocd::discovery
