// Creates the driver the daemon was told to use (--driver pipewire|mock).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "drivers/device_driver.h"

namespace rocd::drivers {

/// Options of make_driver(); each driver reads the ones that concern it.
struct DriverOptions {
    /// mock: JSON fixture listing the devices (see docs/drivers.md). Empty =
    /// one stereo sink and one mono source.
    std::string fixture_path;
    /// mock: run a real-time clock thread (true, what the daemon wants) or
    /// be driven by MockDriver::tick() (tests).
    bool mock_realtime = true;
    /// pipewire: remote name (PIPEWIRE_REMOTE); empty = the default.
    std::string pipewire_remote;
    /// pipewire: how long the first connection may take.
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
    /// pipewire: first and largest delay between reconnection attempts.
    std::chrono::milliseconds reconnect_min = std::chrono::milliseconds(100);
    std::chrono::milliseconds reconnect_max = std::chrono::seconds(5);
};

/// "pipewire" or "mock". Errc::unavailable with a message that says how to
/// fix it when the PipeWire server cannot be reached; Errc::invalid_argument
/// (field "driver") for an unknown name.
Result<std::unique_ptr<DeviceDriver>> make_driver(std::string_view name, const DriverOptions& options);

} // namespace rocd::drivers
