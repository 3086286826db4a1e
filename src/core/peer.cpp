#include "core/peer.h"

#include <array>
#include <utility>

namespace rocd {

namespace {

constexpr std::array trust_names {
    std::pair {PeerTrust::discovered, std::string_view("discovered")},
    std::pair {PeerTrust::pairing, std::string_view("pairing")},
    std::pair {PeerTrust::trusted, std::string_view("trusted")},
    std::pair {PeerTrust::revoked, std::string_view("revoked")},
};

} // namespace

std::string_view to_string(PeerTrust trust) {
    for (const auto& [value, name] : trust_names) {
        if (value == trust) {
            return name;
        }
    }
    return "unknown";
}

std::optional<PeerTrust> peer_trust_of(std::string_view text) {
    for (const auto& [value, name] : trust_names) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

std::string_view to_string(PeerState state) {
    switch (state) {
    case PeerState::offline:
        return "offline";
    case PeerState::online:
        return "online";
    case PeerState::incompatible:
        return "incompatible";
    case PeerState::key_mismatch:
        return "key_mismatch";
    }
    return "unknown";
}

} // namespace rocd
