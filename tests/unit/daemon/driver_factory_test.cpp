// The driver factory: the name on the command line to a driver, with its
// options.
#include "daemon/driver_factory.h"

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>

#include <gtest/gtest.h>

namespace rocd::daemon {
namespace {

using drivers::DeviceInfo;
using drivers::DriverOptions;
using namespace std::chrono_literals;

constexpr const char* fixture = R"({"devices": [
  {"name": "alsa_output.speakers", "display_name": "Speakers", "direction": "output",
   "channels": 2, "rate": 48000, "tone_hz": 440},
  {"name": "alsa_input.mic", "display_name": "Microphone", "direction": "input",
   "channels": 1, "rate": 44100, "tone_hz": 1000, "tone_level": 0.25, "volume": 0.5}
]})";

TEST(DriverFactory, loads_the_mock_fixture_file_and_rejects_unknown_driver) {
    const std::string path = ::testing::TempDir() + "/mock_fixture.json";
    std::ofstream(path) << fixture;
    DriverOptions opts;
    opts.fixture_path = path;
    opts.mock_realtime = false;
    auto d = make_driver("mock", opts);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ((*d)->name(), "mock");
    EXPECT_EQ((*d)->devices().size(), 2u);
    auto bad = make_driver("alsa", opts);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "driver");
    opts.fixture_path = path + ".missing";
    EXPECT_EQ(make_driver("mock", opts).error().code, Errc::io);
}

TEST(DriverFactory, options_set_the_mock_create_delay) {
    DriverOptions opts;
    opts.mock_realtime = false;
    opts.mock_create_delay = 100ms;
    auto driver = make_driver("mock", opts);
    ASSERT_TRUE(driver);
    std::atomic<bool> returned {false};
    std::promise<bool> got;
    (*driver)->create_virtual_device({.name = "rocd_opt"},
                                     [&](Result<DeviceInfo> r) { got.set_value(r.has_value() && returned); });
    returned = true;
    EXPECT_TRUE(got.get_future().get());
}

} // namespace
} // namespace rocd::daemon
