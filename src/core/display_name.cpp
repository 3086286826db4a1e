#include "core/display_name.h"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <vector>

namespace rocd {

namespace {

// Code points of `text`, or nothing if it is not valid UTF-8 (overlong
// forms, surrogates and values past U+10FFFF included).
std::optional<std::vector<std::uint32_t>> decode_utf8(const std::string& text) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (byte < 0x80) {
            len = 1;
            cp = byte;
        } else if ((byte & 0xe0) == 0xc0) {
            len = 2;
            cp = byte & 0x1f;
        } else if ((byte & 0xf0) == 0xe0) {
            len = 3;
            cp = byte & 0x0f;
        } else if ((byte & 0xf8) == 0xf0) {
            len = 4;
            cp = byte & 0x07;
        } else {
            return std::nullopt;
        }
        if (i + len > text.size()) {
            return std::nullopt;
        }
        for (std::size_t k = 1; k < len; k++) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xc0) != 0x80) {
                return std::nullopt;
            }
            cp = (cp << 6) | (next & 0x3f);
        }
        static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_for_len[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return std::nullopt;
        }
        out.push_back(cp);
        i += len;
    }
    return out;
}

bool is_control(std::uint32_t cp) {
    // C0, DEL, C1, and the line and paragraph separators.
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029;
}

bool is_bidi_control(std::uint32_t cp) {
    return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

bool is_invisible(std::uint32_t cp) {
    return cp == 0x00ad || cp == 0x180e || cp == 0x200b || (cp >= 0x2060 && cp <= 0x2064) || cp == 0xfeff;
}

bool is_space(std::uint32_t cp) {
    return cp == 0x20 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
           cp == 0x205f || cp == 0x3000;
}

std::string hex(std::uint32_t cp) {
    char buffer[16];
    std::snprintf(buffer, sizeof(buffer), "U+%04X", static_cast<unsigned>(cp));
    return buffer;
}

} // namespace

Status check_display_name(const std::string& name, const std::string& field) {
    const auto code_points = decode_utf8(name);
    if (!code_points) {
        return fail(Errc::invalid_argument, field + " must be valid UTF-8 text", field);
    }
    if (code_points->empty() || code_points->size() > max_display_name_chars) {
        return fail(Errc::invalid_argument, field + " must be 1 to 64 characters long", field);
    }
    bool visible = false;
    for (const std::uint32_t cp : *code_points) {
        if (is_control(cp)) {
            return fail(Errc::invalid_argument, field + " must not hold control characters (" + hex(cp) + ")",
                        field);
        }
        if (is_bidi_control(cp)) {
            return fail(Errc::invalid_argument,
                        field + " must not hold bidirectional formatting characters (" + hex(cp) +
                            "): they make a name display as another",
                        field);
        }
        if (is_invisible(cp)) {
            return fail(Errc::invalid_argument,
                        field + " must not hold invisible characters (" + hex(cp) + ")", field);
        }
        visible = visible || !is_space(cp);
    }
    if (!visible) {
        return fail(Errc::invalid_argument, field + " must not be only white space", field);
    }
    return {};
}

} // namespace rocd
