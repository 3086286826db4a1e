#include "drivers/device.h"

#include <string>

namespace rocd::drivers {

Uid port_uid(std::string_view driver, std::string_view device_name) {
    std::string seed;
    seed.reserve(driver.size() + 1 + device_name.size());
    seed.append(driver).append(":").append(device_name);
    return Uid::derive("port", seed);
}

const char* device_event_name(DeviceEvent event) {
    switch (event) {
    case DeviceEvent::added:
        return "added";
    case DeviceEvent::changed:
        return "changed";
    case DeviceEvent::removed:
        return "removed";
    }
    return "changed";
}

} // namespace rocd::drivers
