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
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "drivers/device_driver.h"
#include "drivers/io_core.h"
#include "drivers/listeners.h"
#include "drivers/mock/tone_ear.h"

namespace rocd::drivers {

/// One mock device: what it reports, and the tone its capture yields.
struct MockDevice {
    DeviceInfo info;
    /// Capture yields sin(2*pi*tone_hz*t) * tone_level on every channel.
    double tone_hz = 440.0;
    float tone_level = 0.5f;
};

/// A whole fixture: the devices, and optionally how slow the mock is.
struct MockFixture {
    std::vector<MockDevice> devices;
    /// "create_delay_ms": see MockDriver::Options::create_delay.
    std::optional<std::chrono::milliseconds> create_delay;
    /// "tone_report": see MockDriver::Options::tone_report.
    std::optional<std::string> tone_report;
};

/// Parses a fixture: {"create_delay_ms": 0, "tone_report": "PATH", "devices": [{"name",
/// "display_name", "direction", "channels", "positions", "rate", "volume",
/// "mute", "virtual", "tone_hz", "tone_level"}, ...]}. Errors name the
/// offending field ("devices[1].rate").
Result<MockFixture> parse_mock_fixture_document(std::string_view json);
/// Only the devices of a fixture.
Result<std::vector<MockDevice>> parse_mock_fixture(std::string_view json);
Result<MockFixture> load_mock_fixture(const std::string& path);

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
        /// How long create_virtual_device() takes: the device is plugged and
        /// the completion runs this long after the call, from the mock's
        /// worker thread (a slow audio server). 0 = at once, in the call.
        std::chrono::milliseconds create_delay {0};
        /// Keep what playback devices receive (recording()); a daemon,
        /// whose API cannot read it, does not.
        bool keep_recordings = true;
        /// With a realtime clock: once a second, how many 10 ms windows
        /// each playback device heard and how many were its clean tone
        /// (tone_hz of the device; ToneEar), written as JSON to this file.
        std::string tone_report;
    };

    MockDriver(std::vector<MockDevice> devices, Options options);
    ~MockDriver() override;

    std::string_view name() const override { return "mock"; }
    std::vector<DeviceInfo> devices() const override;
    SubscriptionId subscribe(DeviceListener listener) override;
    void unsubscribe(SubscriptionId id) override;
    /// Completions run on the mock's worker thread, never in the call.
    void create_virtual_device(const VirtualDeviceSpec& spec, Completion<DeviceInfo> done) override;
    void destroy_virtual_device(std::string name, Completion<void> done) override;
    Result<std::unique_ptr<DeviceIo>> open_io(const DeviceIoSpec& spec) override;
    void set_volume(std::string name, float volume, Completion<void> done) override;
    void set_mute(std::string name, bool mute, Completion<void> done) override;

    // --- test controls

    /// Hotplug: adds a device (Errc::conflict if the name exists).
    Status plug(MockDevice device);
    /// Hot-unplug: removes a device; its open I/O stalls until it is back.
    Status unplug(std::string_view name);
    /// Moves the clock forward: every open I/O produces / consumes
    /// the frames that fit in `dt` at its rate.
    void advance(std::chrono::nanoseconds dt);
    /// Everything played into `device` so far (interleaved, at the playback
    /// I/O's rate and channel count), including silence of underruns; or
    /// its newest part when Options::max_recording_samples bounds it.
    std::vector<float> recording(std::string_view device) const;
    /// Number of device I/Os open now.
    std::size_t open_io_count() const;
    /// Runs `hook` first in every open_io() (on the caller's thread): how a
    /// test acts at the moment a stream is between two transports.
    void on_open_io(std::function<void(const DeviceIoSpec&)> hook) { open_hook_ = std::move(hook); }

private:
    struct Io;
    struct Entry {
        MockDevice device;
        bool present = true;
    };

    void close_io(Io* io);
    void run_clock();
    void run_worker();
    void schedule(std::chrono::steady_clock::time_point due, std::function<void(bool)> run);
    /// Delivers an outcome already known from the worker thread.
    template <class T> void complete(Completion<T> done, Result<T> result) {
        schedule(std::chrono::steady_clock::now(), [done = std::move(done), result = std::move(result)](
                                                       bool) mutable { done(std::move(result)); });
    }
    Result<DeviceInfo> plug_virtual(const VirtualDeviceSpec& spec);
    Status destroy_now(std::string_view name);
    Result<DeviceInfo> update(std::string_view name, const std::function<void(DeviceInfo&)>& change);

    const Options options_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry, std::less<>> devices_;
    std::vector<std::unique_ptr<Io>> ios_;
    /// Names of virtual devices whose delayed creation is under way.
    std::set<std::string, std::less<>> creating_;
    std::map<std::string, std::vector<float>, std::less<>> recordings_;
    std::unique_ptr<ToneEar> ear_;
    Listeners listeners_;

    std::mutex clock_mutex_;
    std::condition_variable clock_cv_;
    bool stopping_ = false;
    std::thread clock_;

    std::mutex worker_mutex_;
    std::condition_variable worker_cv_;
    std::multimap<std::chrono::steady_clock::time_point, std::function<void(bool)>> tasks_;
    std::function<void(const DeviceIoSpec&)> open_hook_;
    bool worker_stopping_ = false;
    std::thread worker_;
};

} // namespace rocd::drivers
