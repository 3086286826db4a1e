#include "drivers/device_driver.h"

#include <string>

namespace rocd::drivers {

Result<DeviceInfo> DeviceDriver::device(std::string_view name) const {
    for (auto& d : devices()) {
        if (d.name == name) {
            return d;
        }
    }
    return fail(Errc::not_found, "no device named \"" + std::string(name) + "\"", "device");
}

} // namespace rocd::drivers
