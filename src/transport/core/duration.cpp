#include "transport/core/duration.h"

#include <charconv>
#include <cmath>

namespace rocd::transport::core {

Result<Duration> parse_duration(std::string_view text) {
    auto bad = [&](const std::string& why) {
        return fail(Errc::invalid_argument, "bad duration '" + std::string(text) + "': " + why);
    };
    std::size_t i = 0;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) {
        ++i;
    }
    if (i == 0) {
        return bad("expected a number followed by ns, us, ms, s, m or h");
    }
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + i, value);
    if (ec != std::errc() || end != text.data() + i || !std::isfinite(value)) {
        return bad("not a number");
    }
    const std::string_view unit = text.substr(i);
    double scale = 0;
    if (unit == "ns") {
        scale = 1;
    } else if (unit == "us") {
        scale = 1e3;
    } else if (unit == "ms") {
        scale = 1e6;
    } else if (unit == "s") {
        scale = 1e9;
    } else if (unit == "m") {
        scale = 60e9;
    } else if (unit == "h") {
        scale = 3600e9;
    } else {
        return bad(unit.empty() ? "missing unit (ns, us, ms, s, m or h)"
                                : "unknown unit '" + std::string(unit) + "'");
    }
    const double ns = std::round(value * scale);
    if (ns > 1e18) {
        return bad("too large");
    }
    return Duration(static_cast<std::int64_t>(ns));
}

std::string format_duration(Duration d) {
    const std::int64_t ns = d.count();
    struct Unit {
        std::int64_t scale;
        const char* name;
    };
    for (const Unit u : {Unit {1'000'000'000, "s"}, Unit {1'000'000, "ms"}, Unit {1'000, "us"}}) {
        if (ns >= u.scale) {
            if (ns % u.scale == 0) {
                return std::to_string(ns / u.scale) + u.name;
            }
            if ((ns * 10) % u.scale == 0) {
                const std::int64_t tenths = ns * 10 / u.scale;
                return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + u.name;
            }
        }
    }
    return std::to_string(ns) + "ns";
}

} // namespace rocd::transport::core
