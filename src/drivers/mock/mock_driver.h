// A driver without audio hardware, for tests and for running the daemon
// anywhere: devices from a JSON fixture, hotplug on demand, capture that
// yields a known tone per device, playback that records what it received.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "drivers/device_driver.h"
#include "drivers/listeners.h"
#include "drivers/stream_core.h"

namespace rocd::drivers {

/// One mock device: what it reports, and the tone its capture yields.
struct MockDevice {
    DeviceInfo info;
    /// Capture yields sin(2*pi*tone_hz*t) * tone_level on every channel.
    double tone_hz = 440.0;
    float tone_level = 0.5f;
};

/// Parses a fixture: {"devices": [{"name", "display_name", "direction",
/// "channels", "positions", "rate", "volume", "mute", "virtual", "tone_hz",
/// "tone_level"}, ...]}. Errors name the offending field ("devices[1].rate").
Result<std::vector<MockDevice>> parse_mock_fixture(std::string_view json);
Result<std::vector<MockDevice>> load_mock_fixture(const std::string& path);

/// The mock driver. Time either runs on its own thread (realtime, in
/// `period` steps, what the daemon uses) or only when a test calls
/// advance(): a virtual clock, so tests never sleep.
class MockDriver final : public DeviceDriver {
public:
    struct Options {
        bool realtime = false;
        std::chrono::nanoseconds period = std::chrono::milliseconds(10);
        /// Samples kept per device's recording; 0 = everything (tests that
        /// read a whole recording). A daemon running on the mock driver sets
        /// a bound, or playback would grow its memory without end.
        std::size_t max_recording_samples = 0;
    };

    MockDriver(std::vector<MockDevice> devices, Options options);
    ~MockDriver() override;

    std::string_view name() const override { return "mock"; }
    std::vector<DeviceInfo> devices() const override;
    SubscriptionId subscribe(DeviceListener listener) override;
    void unsubscribe(SubscriptionId id) override;
    Result<DeviceInfo> create_virtual_device(const VirtualDeviceSpec& spec) override;
    Status destroy_virtual_device(std::string_view name) override;
    Result<std::unique_ptr<AudioStream>> open_stream(const StreamSpec& spec) override;
    Status set_volume(std::string_view name, float volume) override;
    Status set_mute(std::string_view name, bool mute) override;

    // --- test controls

    /// Hotplug: adds a device (Errc::conflict if the name exists).
    Status plug(MockDevice device);
    /// Hot-unplug: removes a device; its open streams stall until it is back.
    Status unplug(std::string_view name);
    /// Moves the clock forward: every running stream produces / consumes
    /// the frames that fit in `dt` at its rate.
    void advance(std::chrono::nanoseconds dt);
    /// Everything played into `device` so far (interleaved, at the playback
    /// stream's rate and channel count), including silence of underruns; or
    /// its newest part when Options::max_recording_samples bounds it.
    std::vector<float> recording(std::string_view device) const;
    /// Number of streams open now.
    std::size_t open_streams() const;

private:
    struct Stream;
    struct Entry {
        MockDevice device;
        bool present = true;
    };

    void close_stream(Stream* stream);
    void run_clock();
    Result<DeviceInfo> update(std::string_view name, const std::function<void(DeviceInfo&)>& change);

    const Options options_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry, std::less<>> devices_;
    std::vector<std::unique_ptr<Stream>> streams_;
    std::map<std::string, std::vector<float>, std::less<>> recordings_;
    Listeners listeners_;

    std::mutex clock_mutex_;
    std::condition_variable clock_cv_;
    bool stopping_ = false;
    std::thread clock_;
};

} // namespace rocd::drivers
