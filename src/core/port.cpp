#include "core/port.h"

#include <string>

namespace rocd {

std::string_view to_string(PortType type) {
    switch (type) {
    case PortType::system_device:
        return "system_device";
    case PortType::virtual_device:
        return "virtual_device";
    }
    return "system_device";
}

std::string_view to_string(PortDirection direction) {
    switch (direction) {
    case PortDirection::output:
        return "output";
    case PortDirection::input:
        return "input";
    case PortDirection::duplex:
        return "duplex";
    }
    return "output";
}

Result<PortType> parse_port_type(std::string_view text) {
    for (PortType type : {PortType::system_device, PortType::virtual_device}) {
        if (text == to_string(type)) {
            return type;
        }
    }
    return fail(Errc::invalid_argument,
                "unknown port_type '" + std::string(text) + "' (expected system_device or virtual_device)",
                "port_type");
}

Result<PortDirection> parse_port_direction(std::string_view text) {
    for (PortDirection direction : {PortDirection::output, PortDirection::input, PortDirection::duplex}) {
        if (text == to_string(direction)) {
            return direction;
        }
    }
    return fail(Errc::invalid_argument,
                "unknown direction '" + std::string(text) + "' (expected output, input or duplex)",
                "direction");
}

} // namespace rocd
