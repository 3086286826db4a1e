// The resolver answers on the control thread, never inside the call, and
// within its limits. Only names that the hosts file answers are looked up
// here: no query leaves the machine. A name server that never answers is
// covered by tests/integration/tests/dns.test.ts, against a stub.
#include "streams/host_resolver.h"

#include <thread>

#include <gtest/gtest.h>

#include "support/await.h"

namespace rocd::streams {
namespace {

using namespace std::chrono_literals;
using transport::address::SocketAddress;

TEST(HostResolver, resolves_a_name_of_the_hosts_file_on_the_control_thread) {
    boost::asio::io_context io;
    HostResolver resolver(io, 5s, 4);
    const auto control = std::this_thread::get_id();
    std::thread::id answered_on;
    bool inside_call = true;
    auto address = test::await<SocketAddress>(io, [&](auto done) {
        resolver.resolve("localhost", [&, done](Result<SocketAddress> result) {
            answered_on = std::this_thread::get_id();
            done(std::move(result));
        });
        inside_call = false;
    });
    ASSERT_TRUE(address) << address.error().message;
    EXPECT_TRUE(address->family() == AF_INET || address->family() == AF_INET6);
    EXPECT_EQ(answered_on, control);
    EXPECT_FALSE(inside_call);
}

TEST(HostResolver, refuses_lookups_beyond_its_limit_without_starting_them) {
    boost::asio::io_context io;
    HostResolver resolver(io, 5s, 0);
    bool inside_call = true;
    auto address = test::await<SocketAddress>(io, [&](auto done) {
        resolver.resolve("localhost", done);
        inside_call = false;
    });
    ASSERT_FALSE(address);
    EXPECT_EQ(address.error().code, Errc::unavailable);
    EXPECT_FALSE(inside_call);
}

TEST(HostResolver, an_answer_after_the_resolver_is_gone_is_dropped) {
    boost::asio::io_context io;
    bool called = false;
    {
        HostResolver resolver(io, 5s, 4);
        resolver.resolve("localhost", [&called](Result<SocketAddress>) { called = true; });
    }
    // The lookup thread posts its answer (or finds the resolver gone first).
    auto busy = boost::asio::make_work_guard(io);
    for (int i = 0; i < 50; i++) {
        io.run_one_for(10ms);
    }
    EXPECT_FALSE(called);
}

} // namespace
} // namespace rocd::streams
