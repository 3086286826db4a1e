// What the port service adds to the domain's Port (core/port.h): the names
// it gives the devices it creates.
#pragma once

#include <string>

#include "core/uid.h"

namespace rocd::ports {

/// The driver's device name of a new virtual device: stable, unique, and
/// recognisable as rocd's ("rocd_virtual_ab12cd_...").
std::string virtual_device_name(const Uid& seed);

} // namespace rocd::ports
