#include "daemon/driver_factory.h"

#include <string>

#include "drivers/mock/mock_driver.h"
#include "drivers/pipewire/pipewire_driver.h"

namespace rocd::daemon {

using drivers::DeviceDriver;
using drivers::DriverOptions;
using drivers::MockDevice;
using drivers::MockDriver;
using drivers::MockFixture;
using drivers::PipewireDriver;

namespace {

std::vector<MockDevice> default_mock_devices() {
    MockDevice speakers;
    speakers.info = {
        "mock_speakers", "Mock speakers", PortDirection::output, 2, {"FL", "FR"}, 48000, false, 1.0f, false};
    speakers.tone_hz = 440.0;
    MockDevice mic;
    mic.info = {
        "mock_microphone", "Mock microphone", PortDirection::input, 1, {"MONO"}, 48000, false, 1.0f, false};
    mic.tone_hz = 1000.0;
    return {speakers, mic};
}

} // namespace

Result<std::unique_ptr<DeviceDriver>> make_driver(std::string_view name, const DriverOptions& options) {
    if (name == "mock") {
        MockFixture fixture {default_mock_devices(), std::nullopt};
        if (!options.fixture_path.empty()) {
            auto loaded = drivers::load_mock_fixture(options.fixture_path);
            if (!loaded) {
                return tl::unexpected(loaded.error());
            }
            fixture = std::move(*loaded);
        }
        MockDriver::Options mock;
        mock.realtime = options.mock_realtime;
        // The fixture's key wins: an integration test sets it per daemon.
        mock.create_delay = fixture.create_delay.value_or(options.mock_create_delay);
        // Nothing of the daemon reads what its sinks received: a benchmark
        // asks the sinks' ear instead (bench/streams/load).
        mock.keep_recordings = false;
        mock.tone_report = fixture.tone_report.value_or("");
        return std::make_unique<MockDriver>(std::move(fixture.devices), mock);
    }
    if (name == "pipewire") {
        auto driver = PipewireDriver::connect(options);
        if (!driver) {
            return tl::unexpected(driver.error());
        }
        return std::unique_ptr<DeviceDriver>(std::move(*driver));
    }
    return fail(Errc::invalid_argument, "unknown driver \"" + std::string(name) + "\" (use pipewire or mock)",
                "driver");
}

} // namespace rocd::daemon
