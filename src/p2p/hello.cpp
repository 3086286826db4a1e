#include "p2p/hello.h"

#include <algorithm>

#include <sodium.h>

#include "core/hex.h"

namespace rocd::p2p {

nlohmann::json hello_body(const Hello& hello) {
    return {
        {"versions", {{"min", hello.versions.min}, {"max", hello.versions.max}}},
        {"capabilities", hello.capabilities},
        {"peer_uid", hello.peer_uid.str()},
        {"display_name", hello.display_name},
        {"daemon_version", hello.daemon_version},
        {"p2p_port", hello.p2p_port},
        {"nonce", hello.nonce},
    };
}

Result<Hello> parse_hello(const nlohmann::json& body) {
    // decode() has checked the fields' presence and JSON types (§14.1).
    const auto& versions = body.at("versions");
    const auto min = versions.find("min"), max = versions.find("max");
    if (min == versions.end() || max == versions.end() || !min->is_number_integer() ||
        !max->is_number_integer() || min->get<std::int64_t>() < 1 ||
        max->get<std::int64_t>() < min->get<std::int64_t>() || max->get<std::int64_t>() > 1'000'000) {
        return fail(Errc::invalid_argument, "versions must be {min, max} with 1 <= min <= max", "versions");
    }
    std::vector<std::string> capabilities;
    for (const auto& c : body.at("capabilities")) {
        if (c.is_string()) {
            capabilities.push_back(c.get<std::string>()); // unknown names are kept: they are only compared
        }
    }
    const auto port = body.at("p2p_port").get<std::int64_t>();
    if (port < 1 || port > 65535) {
        return fail(Errc::invalid_argument, "p2p_port must be 1..65535", "p2p_port");
    }
    return Hello {{static_cast<int>(min->get<std::int64_t>()), static_cast<int>(max->get<std::int64_t>())},
                  std::move(capabilities),
                  *Uid::parse(body.at("peer_uid").get<std::string>()),
                  body.at("display_name").get<std::string>(),
                  body.at("daemon_version").get<std::string>(),
                  static_cast<int>(port),
                  body.at("nonce").get<std::string>()};
}

std::optional<int> negotiate(const VersionRange& ours, const VersionRange& theirs) {
    const int high = std::min(ours.max, theirs.max);
    if (high < std::max(ours.min, theirs.min)) {
        return std::nullopt;
    }
    return high;
}

std::string fresh_nonce() {
    static const int sodium = sodium_init();
    (void)sodium;
    std::uint8_t bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    return to_hex(bytes);
}

} // namespace rocd::p2p
