#include "tool_options.h"

#include <spdlog/spdlog.h>

namespace rocd::tools {

namespace {

// A command-line tool may wait for the name server; the sender and
// receiver take numeric addresses only.
Result<transport::Endpoint> parse_and_resolve(const std::string& text, transport::Interface iface) {
    auto endpoint = transport::parse_endpoint(text, iface);
    if (!endpoint || transport::has_numeric_host(*endpoint)) {
        return endpoint;
    }
    auto address =
        transport::address::SocketAddress::resolve(endpoint->uri.host(), endpoint->uri.port_number());
    if (!address) {
        return tl::unexpected(address.error());
    }
    return transport::with_address(*endpoint, *address);
}

} // namespace

Result<Endpoints> parse_endpoints(const std::string& source, const std::string& repair,
                                  const std::string& control) {
    using transport::Interface;
    auto src = parse_and_resolve(source, Interface::source);
    if (!src) {
        return tl::unexpected(src.error());
    }
    Endpoints out {*src, std::nullopt, std::nullopt};
    if (!repair.empty()) {
        auto e = parse_and_resolve(repair, Interface::repair);
        if (!e) {
            return tl::unexpected(e.error());
        }
        out.repair = *e;
    }
    if (!control.empty()) {
        auto e = parse_and_resolve(control, Interface::control);
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
