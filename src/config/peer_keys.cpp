#include "config/peer_keys.h"

namespace rocd::config {

Result<std::optional<ListenAddress>> parse_p2p_listen(std::string_view text) {
    if (text == "off") {
        return std::optional<ListenAddress>();
    }
    auto address = ListenAddress::parse(text);
    if (!address) {
        return fail(Errc::invalid_argument, address.error().message + " (or 'off')");
    }
    return std::optional<ListenAddress>(*address);
}

Result<Discovery> parse_discovery(std::string_view text) {
    if (text == "dns-sd") {
        return Discovery::dns_sd;
    }
    if (text == "static") {
        return Discovery::static_peers;
    }
    if (text == "off") {
        return Discovery::off;
    }
    return fail(Errc::invalid_argument,
                "discovery must be dns-sd, static or off: '" + std::string(text) + "'");
}

Result<std::vector<StaticPeer>> parse_static_peers(const YAML::Node& node) {
    if (!node.IsSequence()) {
        return fail(Errc::invalid_argument,
                    "expected a list of peers (host:port, or address and public_key)");
    }
    std::vector<StaticPeer> peers;
    for (const auto& item : node) {
        StaticPeer peer;
        if (item.IsScalar()) {
            peer.address = item.Scalar();
        } else if (item.IsMap()) {
            for (const auto& field : item) {
                const std::string key = field.first.IsScalar() ? field.first.Scalar() : "";
                if ((key != "address" && key != "public_key") || !field.second.IsScalar()) {
                    return fail(Errc::invalid_argument,
                                "peer " + std::to_string(peers.size() + 1) +
                                    ": expected only address and public_key (strings)");
                }
                (key == "address" ? peer.address : peer.public_key) = field.second.Scalar();
            }
        } else {
            return fail(Errc::invalid_argument,
                        "peer " + std::to_string(peers.size() + 1) + ": expected host:port or a map");
        }
        // Checked as a listen address is: a host (or [IPv6]) and a port; 0 cannot be dialed.
        auto address = ListenAddress::parse(peer.address);
        if (!address || address->port == 0) {
            return fail(Errc::invalid_argument, "peer " + std::to_string(peers.size() + 1) + ": address '" +
                                                    peer.address + "' is not host:port (port 1 to 65535)");
        }
        if (!peer.public_key.empty() && peer.public_key.size() != 40) {
            return fail(Errc::invalid_argument, "peer " + std::to_string(peers.size() + 1) +
                                                    ": public_key must be 40 characters of Z85");
        }
        peers.push_back(std::move(peer));
    }
    return peers;
}

Result<std::string> parse_network_secret(std::string_view text) {
    if (text.size() < min_network_secret_length) {
        return fail(Errc::invalid_argument,
                    "network_secret has " + std::to_string(text.size()) + " characters; it needs at least " +
                        std::to_string(min_network_secret_length) +
                        " (make one with: openssl rand -base64 32)",
                    "network_secret");
    }
    return std::string(text);
}

} // namespace rocd::config
