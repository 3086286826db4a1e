#include "discovery/instance_name.h"

namespace rocd::discovery {

namespace {

/// `text` cut to `limit` bytes at a UTF-8 character boundary.
std::string_view cut(std::string_view text, std::size_t limit) {
    if (text.size() > limit) {
        std::size_t end = limit;
        // Back off continuation bytes (10xxxxxx) so no character is cut in two.
        while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
            --end;
        }
        text = text.substr(0, end);
    }
    return text;
}

} // namespace

std::string instance_name(std::string_view display_name) {
    display_name = cut(display_name, max_instance_name);
    return display_name.empty() ? "rocd" : std::string(display_name);
}

std::string distinct_instance_name(std::string_view display_name, const Uid& uid) {
    const std::string suffix = " (" + uid.str().substr(0, 6) + ")";
    return std::string(cut(instance_name(display_name), max_instance_name - suffix.size())) + suffix;
}

} // namespace rocd::discovery
