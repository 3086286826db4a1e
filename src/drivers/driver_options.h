// What the daemon tells make_driver() (daemon/driver_factory.h): on its own so
// that the factory and each driver can read the options without including
// one another.
#pragma once

#include <chrono>
#include <string>

namespace rocd::drivers {

/// Options of make_driver(); each driver reads the ones that concern it.
struct DriverOptions {
    /// mock: JSON fixture listing the devices (see docs/drivers.md). Empty =
    /// one stereo sink and one mono source.
    std::string fixture_path;
    /// mock: run a real-time clock thread (true, what the daemon wants) or
    /// be driven by MockDriver::advance() (tests).
    bool mock_realtime = true;
    /// mock: how long create_virtual_device() takes before it completes, to
    /// play a slow audio server; the fixture's "create_delay_ms" wins.
    std::chrono::milliseconds mock_create_delay {0};
    /// pipewire: remote name (PIPEWIRE_REMOTE); empty = the default.
    std::string pipewire_remote;
    /// pipewire: how long the first connection may take.
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
    /// pipewire: first and largest delay between reconnection attempts.
    std::chrono::milliseconds reconnect_min = std::chrono::milliseconds(100);
    std::chrono::milliseconds reconnect_max = std::chrono::seconds(5);
};

} // namespace rocd::drivers
