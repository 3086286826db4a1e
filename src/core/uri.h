// URIs of rocd's resources and of external network endpoints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/uid.h"

namespace rocd {

/// A peer as named in a resource path: a uid, or `self` for this daemon.
class PeerRef {
public:
    static PeerRef self() { return PeerRef(std::nullopt); }
    static PeerRef of(Uid uid) { return PeerRef(std::move(uid)); }

    bool is_self() const { return !uid_.has_value(); }
    /// The uid; only for a PeerRef that is not `self`.
    const Uid& uid() const { return *uid_; }
    /// "self" or the uid.
    std::string str() const { return uid_ ? uid_->str() : "self"; }

    bool operator==(const PeerRef&) const = default;

private:
    explicit PeerRef(std::optional<Uid> uid) : uid_(std::move(uid)) {}

    std::optional<Uid> uid_;
};

/// Either an internal resource URI (`/peers/{p}`, `/peers/{p}/ports/{q}`,
/// `/streams/{s}`, with `{p}` a uid or `self`) or an external network
/// endpoint `scheme://host:port[/path]` (e.g. `rtp+rs8m://192.168.0.1:10001`).
/// Parsing is strict: anything else is an error naming what is wrong.
class Uri {
public:
    enum class Kind { peer, port, stream, external };

    static Result<Uri> parse(std::string_view text);

    static Uri peer(PeerRef peer);
    static Uri port(PeerRef peer, Uid port);
    static Uri stream(Uid stream);

    Kind kind() const { return kind_; }

    /// For peer and port URIs.
    const PeerRef& peer_ref() const { return *peer_; }
    /// For port URIs.
    const Uid& port_uid() const { return *port_; }
    /// For stream URIs.
    const Uid& stream_uid() const { return *stream_; }

    /// For external URIs: lower-case scheme, host as written (IPv6 without
    /// brackets), port, and path ("" when absent).
    const std::string& scheme() const { return scheme_; }
    const std::string& host() const { return host_; }
    std::uint16_t port_number() const { return port_number_; }
    const std::string& path() const { return path_; }

    /// The canonical text form; parse(str()) gives back an equal Uri.
    std::string str() const;

    bool operator==(const Uri& other) const { return str() == other.str(); }

private:
    Uri() = default;

    static Result<Uri> parse_internal(std::string_view text);
    static Result<Uri> parse_external(std::string_view text);

    Kind kind_ = Kind::peer;
    std::optional<PeerRef> peer_;
    std::optional<Uid> port_;
    std::optional<Uid> stream_;
    std::string scheme_;
    std::string host_;
    std::uint16_t port_number_ = 0;
    std::string path_;
    bool is_ipv6_ = false;
};

} // namespace rocd
