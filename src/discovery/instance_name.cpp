#include "discovery/instance_name.h"

namespace rocd::discovery {

std::string instance_name(std::string_view display_name) {
    if (display_name.size() > max_instance_name) {
        std::size_t end = max_instance_name;
        // Back off continuation bytes (10xxxxxx) so no character is cut in two.
        while (end > 0 && (static_cast<unsigned char>(display_name[end]) & 0xC0) == 0x80) {
            --end;
        }
        display_name = display_name.substr(0, end);
    }
    return display_name.empty() ? "rocd" : std::string(display_name);
}

} // namespace rocd::discovery
