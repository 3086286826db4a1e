#include "streams/audio_pump.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace rocd::streams {
namespace {

struct ThreadSched {
    int policy = -1;
    int rt_priority = -1;
};

/// The scheduling of this process's thread named `name`, from
/// /proc/self/task/*/stat (fields 40 rt_priority and 41 policy).
std::optional<ThreadSched> sched_of_thread(const std::string& name) {
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream comm(task.path() / "comm");
        std::string thread_name;
        std::getline(comm, thread_name);
        if (thread_name != name) {
            continue;
        }
        std::ifstream stat(task.path() / "stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        // Fields after the command, which is in parentheses and may hold spaces.
        std::istringstream rest(text.substr(text.rfind(')') + 2));
        std::vector<std::string> fields;
        for (std::string field; rest >> field;) {
            fields.push_back(field);
        }
        // rest starts at field 3 (state): field n is fields[n - 3].
        if (fields.size() < 39) {
            return std::nullopt;
        }
        if (fields[0] == "Z" || fields[0] == "X") {
            continue; // the worker of a pump just destroyed, not yet reaped
        }
        return ThreadSched {std::stoi(fields[41 - 3]), std::stoi(fields[40 - 3])};
    }
    return std::nullopt;
}

TEST(AudioPump, runs_its_thread_with_the_real_time_priority_it_reports) {
    boost::asio::io_context io;
    AudioPump pump(io, std::chrono::milliseconds(3), 20);
    const auto sched = sched_of_thread("rocd-pump");
    ASSERT_TRUE(sched);
    if (pump.priority() == 0) {
        // The system refused (no CAP_SYS_NICE, no RLIMIT_RTPRIO): it says so
        // and runs with normal scheduling.
        EXPECT_EQ(sched->policy, SCHED_OTHER);
        GTEST_SKIP() << "real-time scheduling is not allowed here";
    }
    EXPECT_EQ(pump.priority(), 20);
    EXPECT_EQ(sched->policy, SCHED_FIFO);
    EXPECT_EQ(sched->rt_priority, 20);
}

TEST(AudioPump, priority_zero_keeps_normal_scheduling) {
    boost::asio::io_context io;
    AudioPump pump(io, std::chrono::milliseconds(3), 0);
    const auto sched = sched_of_thread("rocd-pump");
    ASSERT_TRUE(sched);
    EXPECT_EQ(pump.priority(), 0);
    EXPECT_EQ(sched->policy, SCHED_OTHER);
    EXPECT_EQ(sched->rt_priority, 0);
}

/// A playback device that never has room: a slot on it is pumped (looked
/// at) every cycle and moves nothing.
struct FullDevice : drivers::DeviceIo {
    drivers::IoKind kind() const override { return drivers::IoKind::playback; }
    const std::string& device() const override { return name; }
    drivers::IoFormat format() const override { return {}; }
    std::chrono::nanoseconds latency() const override { return {}; }
    std::size_t read(std::span<float>) override { return 0; }
    std::size_t write(std::span<const float>) override { return 0; }
    std::size_t readable_frames() const override { return 0; }
    std::size_t writable_frames() const override { return 0; }
    drivers::IoStats stats() const override { return {}; }
    void close() override {}
    std::string name = "full";
};

TEST(AudioPump, parks_while_no_slot_is_attached) {
    using namespace std::chrono_literals;
    boost::asio::io_context io;
    AudioPump pump(io, 1ms, 0);
    // Runs the control plane's handlers (the detach completion) for about d.
    const auto run_for = [&](std::chrono::milliseconds d) {
        const auto until = std::chrono::steady_clock::now() + d;
        while (std::chrono::steady_clock::now() < until) {
            io.restart();
            io.poll();
            std::this_thread::sleep_for(1ms);
        }
    };
    run_for(20ms);
    const auto idle = pump.cycles();
    run_for(50ms);
    EXPECT_EQ(pump.cycles(), idle) << "no slot: the worker sleeps until one comes";

    FullDevice device;
    PumpSlot slot;
    slot.audio = &device;
    pump.attach(&slot);
    for (int i = 0; i < 500 && pump.cycles() < idle + 5; ++i) {
        run_for(10ms);
    }
    EXPECT_GE(pump.cycles(), idle + 5) << "a slot wakes it, and it cycles every period";

    bool detached = false;
    pump.detach({&slot}, [&] { detached = true; });
    for (int i = 0; i < 500 && !detached; ++i) {
        run_for(10ms);
    }
    ASSERT_TRUE(detached);
    run_for(20ms);
    const auto parked = pump.cycles();
    run_for(50ms);
    EXPECT_EQ(pump.cycles(), parked) << "the last slot gone, it parks again";
}

TEST(AudioPump, a_detach_completes_whenever_it_comes_in_the_cycle) {
    // The last slot detached while the worker is between its acknowledgement
    // and its check for parking: it must acknowledge the new, empty table
    // before it parks, or the detach would never complete.
    using namespace std::chrono_literals;
    boost::asio::io_context io;
    // A period of 1 us: the worker cycles back to back, so that the window
    // is hit often.
    AudioPump pump(io, 1us, 0);
    FullDevice device;
    PumpSlot slot;
    slot.audio = &device;
    for (int round = 0; round < 2000; ++round) {
        pump.attach(&slot);
        std::this_thread::sleep_for(std::chrono::microseconds(round % 7));
        bool detached = false;
        pump.detach({&slot}, [&] { detached = true; });
        const auto deadline = std::chrono::steady_clock::now() + 2s;
        while (!detached && std::chrono::steady_clock::now() < deadline) {
            io.restart();
            io.run_one_for(10ms);
        }
        ASSERT_TRUE(detached) << "round " << round;
    }
}

} // namespace
} // namespace rocd::streams
