// Creates the driver the daemon was told to use (--driver pipewire|mock). In
// the daemon, the one place that knows every driver, so that drivers/ does
// not depend on its own subfolders.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "drivers/device_driver.h"
#include "drivers/driver_options.h"

namespace rocd::daemon {

/// "pipewire" or "mock". Errc::unavailable with a message that says how to
/// fix it when the PipeWire server cannot be reached; Errc::invalid_argument
/// (field "driver") for an unknown name.
Result<std::unique_ptr<drivers::DeviceDriver>> make_driver(std::string_view name,
                                                           const drivers::DriverOptions& options);

} // namespace rocd::daemon
