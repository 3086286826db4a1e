#include "streams/audio_pump.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
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

} // namespace
} // namespace rocd::streams
