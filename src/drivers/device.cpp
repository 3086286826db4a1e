#include "drivers/device.h"

#include <string>

namespace rocd::drivers {

const char* direction_name(Direction direction) {
    switch (direction) {
    case Direction::output:
        return "output";
    case Direction::input:
        return "input";
    case Direction::duplex:
        return "duplex";
    }
    return "output";
}

Result<Direction> parse_direction(std::string_view text) {
    for (auto d : {Direction::output, Direction::input, Direction::duplex}) {
        if (text == direction_name(d)) {
            return d;
        }
    }
    return fail(Errc::invalid_argument,
                "direction must be \"output\", \"input\" or \"duplex\", not \"" + std::string(text) + "\"",
                "direction");
}

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
