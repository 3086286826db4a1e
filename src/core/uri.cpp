#include "core/uri.h"

#include <charconv>
#include <vector>

#include <uriparser/Uri.h>

namespace rocd {

namespace {

std::string range_text(const UriTextRangeA& range) {
    if (range.first == nullptr || range.afterLast == nullptr) {
        return {};
    }
    return std::string(range.first, range.afterLast);
}

bool has_range(const UriTextRangeA& range) {
    return range.first != nullptr;
}

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    std::size_t start = 1; // skip the leading '/'
    while (start <= path.size()) {
        const std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) {
            parts.push_back(path.substr(start));
            break;
        }
        parts.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

Result<PeerRef> parse_peer_ref(std::string_view text, std::string_view whole) {
    if (text == "self") {
        return PeerRef::self();
    }
    auto uid = Uid::parse(text);
    if (!uid) {
        return fail(Errc::invalid_argument,
                    "bad peer in '" + std::string(whole) + "': " + uid.error().message);
    }
    return PeerRef::of(*uid);
}

Result<Uid> parse_uid_in(std::string_view text, std::string_view what, std::string_view whole) {
    auto uid = Uid::parse(text);
    if (!uid) {
        return fail(Errc::invalid_argument,
                    "bad " + std::string(what) + " in '" + std::string(whole) + "': " + uid.error().message);
    }
    return uid;
}

bool is_host_name(std::string_view host) {
    if (host.empty() || host.size() > 253) {
        return false;
    }
    for (char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '-' || c == '.';
        if (!ok) {
            return false;
        }
    }
    return host.front() != '-' && host.front() != '.';
}

} // namespace

Uri Uri::peer(PeerRef peer) {
    Uri uri;
    uri.kind_ = Kind::peer;
    uri.peer_ = std::move(peer);
    return uri;
}

Uri Uri::port(PeerRef peer, Uid port) {
    Uri uri;
    uri.kind_ = Kind::port;
    uri.peer_ = std::move(peer);
    uri.port_ = std::move(port);
    return uri;
}

Uri Uri::stream(Uid stream) {
    Uri uri;
    uri.kind_ = Kind::stream;
    uri.stream_ = std::move(stream);
    return uri;
}

Result<Uri> Uri::parse(std::string_view text) {
    if (text.empty()) {
        return fail(Errc::invalid_argument, "empty URI");
    }
    if (text.front() == '/') {
        return parse_internal(text);
    }
    return parse_external(text);
}

Result<Uri> Uri::parse_internal(std::string_view text) {
    const auto parts = split_path(text);
    const std::string whole(text);
    if (parts.size() == 2 && parts[0] == "peers") {
        auto peer = parse_peer_ref(parts[1], text);
        if (!peer) {
            return tl::unexpected(peer.error());
        }
        return Uri::peer(*peer);
    }
    if (parts.size() == 4 && parts[0] == "peers" && parts[2] == "ports") {
        auto peer = parse_peer_ref(parts[1], text);
        if (!peer) {
            return tl::unexpected(peer.error());
        }
        auto port = parse_uid_in(parts[3], "port", text);
        if (!port) {
            return tl::unexpected(port.error());
        }
        return Uri::port(*peer, *port);
    }
    if (parts.size() == 2 && parts[0] == "streams") {
        auto stream = parse_uid_in(parts[1], "stream", text);
        if (!stream) {
            return tl::unexpected(stream.error());
        }
        return Uri::stream(*stream);
    }
    return fail(Errc::invalid_argument, "not a resource URI (expected /peers/{peer}, "
                                        "/peers/{peer}/ports/{port} or /streams/{stream}): '" +
                                            whole + "'");
}

Result<Uri> Uri::parse_external(std::string_view text) {
    const std::string whole(text);
    auto bad = [&](const std::string& why) {
        return fail(Errc::invalid_argument, "bad address '" + whole + "': " + why);
    };

    UriUriA parsed;
    const char* error_pos = nullptr;
    if (uriParseSingleUriExA(&parsed, whole.data(), whole.data() + whole.size(), &error_pos) != URI_SUCCESS) {
        return bad("not a URI (expected scheme://host:port)");
    }
    struct Guard {
        UriUriA* uri;
        ~Guard() { uriFreeUriMembersA(uri); }
    } guard {&parsed};

    std::string scheme = range_text(parsed.scheme);
    if (scheme.empty()) {
        return bad("missing scheme (expected scheme://host:port)");
    }
    for (char& c : scheme) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    if (!has_range(parsed.hostText) || parsed.hostText.first == parsed.hostText.afterLast) {
        return bad("missing host");
    }
    if (has_range(parsed.userInfo)) {
        return bad("user info is not allowed");
    }
    if (has_range(parsed.query) || has_range(parsed.fragment)) {
        return bad("query and fragment are not allowed");
    }
    if (parsed.hostData.ipFuture.first != nullptr) {
        return bad("unsupported host form");
    }
    const std::string host = range_text(parsed.hostText);
    if (parsed.hostData.ip4 == nullptr && parsed.hostData.ip6 == nullptr && !is_host_name(host)) {
        return bad("invalid host name '" + host + "'");
    }

    const std::string port_text = range_text(parsed.portText);
    if (port_text.empty()) {
        return bad("missing port (expected scheme://host:port)");
    }
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
        return bad("port must be a number from 0 to 65535");
    }

    std::string path;
    if (parsed.pathHead != nullptr) {
        for (auto* seg = parsed.pathHead; seg != nullptr; seg = seg->next) {
            path += "/" + range_text(seg->text);
        }
    } else if (parsed.absolutePath) {
        path = "/";
    }

    Uri uri;
    uri.kind_ = Kind::external;
    uri.scheme_ = std::move(scheme);
    uri.host_ = host;
    uri.port_number_ = static_cast<std::uint16_t>(port);
    uri.path_ = std::move(path);
    uri.is_ipv6_ = parsed.hostData.ip6 != nullptr;
    return uri;
}

std::string Uri::str() const {
    switch (kind_) {
    case Kind::peer:
        return "/peers/" + peer_->str();
    case Kind::port:
        return "/peers/" + peer_->str() + "/ports/" + port_->str();
    case Kind::stream:
        return "/streams/" + stream_->str();
    case Kind::external:
        break;
    }
    const std::string host = is_ipv6_ ? "[" + host_ + "]" : host_;
    return scheme_ + "://" + host + ":" + std::to_string(port_number_) + path_;
}

} // namespace rocd
