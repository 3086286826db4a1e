#include "tool_options.h"

#include <spdlog/spdlog.h>

namespace rocd::tools {

Result<Endpoints> parse_endpoints(const std::string& source, const std::string& repair,
                                  const std::string& control) {
    using transport::Interface;
    auto src = transport::parse_endpoint(source, Interface::source);
    if (!src) {
        return tl::unexpected(src.error());
    }
    Endpoints out {*src, std::nullopt, std::nullopt};
    if (!repair.empty()) {
        auto e = transport::parse_endpoint(repair, Interface::repair);
        if (!e) {
            return tl::unexpected(e.error());
        }
        out.repair = *e;
    }
    if (!control.empty()) {
        auto e = transport::parse_endpoint(control, Interface::control);
        if (!e) {
            return tl::unexpected(e.error());
        }
        out.control = *e;
    }
    return out;
}

void set_verbosity(int verbose) {
    spdlog::set_level(verbose >= 2   ? spdlog::level::debug
                      : verbose == 1 ? spdlog::level::info
                                     : spdlog::level::warn);
}

} // namespace rocd::tools
