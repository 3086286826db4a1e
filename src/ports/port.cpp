#include "ports/port.h"

#include <algorithm>

namespace rocd::ports {

std::string virtual_device_name(const Uid& seed) {
    std::string name = "rocd_virtual_" + seed.str();
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
}

} // namespace rocd::ports
