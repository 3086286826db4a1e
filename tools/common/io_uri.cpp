#include "io_uri.h"

namespace rocd::tools {

Result<std::string> parse_file_uri(std::string_view text) {
    if (text.empty()) {
        return fail(Errc::invalid_argument, "empty file name");
    }
    const auto colon = text.find(':');
    const auto slash = text.find('/');
    const bool has_scheme =
        colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash);
    if (!has_scheme) {
        return std::string(text);
    }
    const std::string_view scheme = text.substr(0, colon);
    if (scheme != "file") {
        return fail(Errc::unsupported, "unsupported IO URI scheme '" + std::string(scheme) +
                                           "' (rocd tools read and write files: a path or file:path)");
    }
    std::string_view rest = text.substr(colon + 1);
    if (rest.starts_with("//")) {
        rest.remove_prefix(2);
        const auto path_start = rest.find('/');
        if (path_start != 0) {
            if (rest.substr(0, path_start) != "localhost") {
                return fail(Errc::invalid_argument, "bad file URI '" + std::string(text) + "': remote host");
            }
            rest.remove_prefix(path_start);
        }
    }
    if (rest.empty()) {
        return fail(Errc::invalid_argument, "bad file URI '" + std::string(text) + "': empty path");
    }
    return std::string(rest);
}

} // namespace rocd::tools
