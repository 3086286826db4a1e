#include "transport/endpoint.h"

#include <algorithm>
#include <string>

namespace rocd::transport {

namespace {

struct Scheme {
    const char* name;
    Protocol protocol;
    Interface iface;
    std::size_t footer;
};

constexpr Scheme Schemes[] = {
    {"rtp", Protocol::rtp, Interface::source, 0},   {"rtp+rs8m", Protocol::rtp_rs8m, Interface::source, 6},
    {"rs8m", Protocol::rs8m, Interface::repair, 0}, {"rtp+ldpc", Protocol::rtp_ldpc, Interface::source, 6},
    {"ldpc", Protocol::ldpc, Interface::repair, 0}, {"rtcp", Protocol::rtcp, Interface::control, 0},
};

const Scheme& scheme_of(Protocol p) {
    for (const auto& s : Schemes) {
        if (s.protocol == p) {
            return s;
        }
    }
    return Schemes[0];
}

} // namespace

const char* protocol_scheme(Protocol p) {
    return scheme_of(p).name;
}
const char* interface_name(Interface i) {
    switch (i) {
    case Interface::source:
        return "source";
    case Interface::repair:
        return "repair";
    case Interface::control:
        return "control";
    }
    return "?";
}

std::optional<Interface> interface_named(std::string_view name) {
    for (const auto i : {Interface::source, Interface::repair, Interface::control}) {
        if (name == interface_name(i)) {
            return i;
        }
    }
    return std::nullopt;
}

Interface protocol_interface(Protocol p) {
    return scheme_of(p).iface;
}
std::size_t protocol_footer_size(Protocol p) {
    return scheme_of(p).footer;
}

namespace {

// The last label of a host name is never all digits (RFC 3986 §3.2.2, RFC
// 1123 §2.1); one that is, or that is written in hex, is an IPv4 address in
// a form other than the dotted quad.
bool is_legacy_numeric(const std::string& host) {
    const auto dot = host.rfind('.');
    const std::string last = dot == std::string::npos ? host : host.substr(dot + 1);
    if (last.empty()) {
        return false;
    }
    if (last.size() > 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X')) {
        return true;
    }
    return std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

bool has_numeric_host(const Endpoint& endpoint) {
    return address::SocketAddress::numeric(endpoint.uri.host(), 0).has_value();
}

Endpoint with_address(const Endpoint& endpoint, const address::SocketAddress& address) {
    const bool v6 = address.family() == AF_INET6;
    const std::string text = endpoint.uri.scheme() + "://" + (v6 ? "[" : "") + address.host() +
                             (v6 ? "]" : "") + ":" + std::to_string(endpoint.uri.port_number());
    // A numeric address always parses.
    return Endpoint {endpoint.protocol, *Uri::parse(text)};
}

Result<Endpoint> parse_endpoint(std::string_view text, Interface iface) {
    auto uri = Uri::parse(text);
    if (!uri) {
        return tl::unexpected(uri.error());
    }
    if (uri->kind() != Uri::Kind::external) {
        return fail(Errc::invalid_argument,
                    "bad endpoint '" + std::string(text) + "': expected scheme://host:port");
    }
    if (!uri->path().empty() && uri->path() != "/") {
        return fail(Errc::invalid_argument, "bad endpoint '" + std::string(text) + "': unexpected path");
    }
    if (!address::SocketAddress::numeric(uri->host(), 0) && is_legacy_numeric(uri->host())) {
        return fail(Errc::invalid_argument, "bad endpoint '" + std::string(text) + "': '" + uri->host() +
                                                "' is neither a dotted-quad IPv4 address nor a host name");
    }
    for (const auto& s : Schemes) {
        if (uri->scheme() == s.name) {
            if (s.iface != iface) {
                return fail(Errc::invalid_argument, "bad endpoint '" + std::string(text) + "': scheme '" +
                                                        s.name + "' is not a " + interface_name(iface) +
                                                        " scheme");
            }
            return Endpoint {s.protocol, *uri};
        }
    }
    return fail(Errc::invalid_argument, "bad endpoint '" + std::string(text) + "': unsupported scheme '" +
                                            uri->scheme() +
                                            "' (expected rtp, rtp+rs8m, rs8m, rtp+ldpc, ldpc or rtcp)");
}

} // namespace rocd::transport
