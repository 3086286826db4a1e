#include "discovery/txt_record.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string_view>

namespace rocd::discovery {

namespace {

/// Protocol versions are small; a bound keeps from_chars far from overflow.
constexpr int max_version = 9999;

std::optional<int> version_number(std::string_view text) {
    int value = 0;
    if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value >= 1 && value <= max_version ? std::optional<int>(value) : std::nullopt;
}

/// "min-max", 1 <= min <= max.
std::optional<p2p::VersionRange> version_range(std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos) {
        return std::nullopt;
    }
    auto min = version_number(text.substr(0, dash));
    auto max = version_number(text.substr(dash + 1));
    if (!min || !max || *min > *max) {
        return std::nullopt;
    }
    return p2p::VersionRange {*min, *max};
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    return out;
}

} // namespace

std::vector<std::string> txt_record(const Uid& uid, const p2p::RawKey& public_key,
                                    const p2p::VersionRange& versions) {
    return {
        "txtvers=1",
        "uid=" + uid.str(),
        "v=" + std::to_string(versions.min) + "-" + std::to_string(versions.max),
        "pk=" + p2p::z85_of(public_key),
        "fp=" + p2p::fingerprint_of(public_key),
    };
}

Result<Announcement> parse_txt_record(const std::vector<std::string>& strings) {
    std::size_t total = 0;
    std::map<std::string, std::string> values;
    for (const auto& string : strings) {
        if (string.size() > max_txt_string) {
            return fail(Errc::invalid_argument,
                        "a TXT string of " + std::to_string(string.size()) + " bytes");
        }
        total += string.size() + 1;
        if (total > max_txt_bytes) {
            return fail(Errc::invalid_argument,
                        "a TXT record over " + std::to_string(max_txt_bytes) + " bytes");
        }
        // A string without '=' is a boolean attribute (§6.4): none is rocd's.
        const auto equals = string.find('=');
        if (equals == 0 || equals == std::string::npos) {
            continue;
        }
        values.try_emplace(lower(std::string_view(string).substr(0, equals)), string.substr(equals + 1));
    }
    auto value = [&values](const char* key) -> const std::string* {
        auto it = values.find(key);
        return it == values.end() ? nullptr : &it->second;
    };
    const std::string* txtvers = value("txtvers");
    if (txtvers == nullptr || *txtvers != "1") {
        return fail(Errc::invalid_argument, "txtvers is not 1");
    }
    const std::string* uid_text = value("uid");
    auto uid = Uid::parse(uid_text ? *uid_text : "");
    if (!uid) {
        return fail(Errc::invalid_argument, "no valid uid");
    }
    const std::string* v = value("v");
    auto versions = v ? version_range(*v) : std::nullopt;
    if (!versions) {
        return fail(Errc::invalid_argument, "no valid v (min-max)");
    }
    const std::string* pk = value("pk");
    auto key = p2p::key_of_z85(pk ? *pk : "");
    if (!key) {
        return fail(Errc::invalid_argument, "no valid pk (40 characters of Z85)");
    }
    // Not a proof of anything (whoever forges pk computes fp too), but a
    // record whose two halves disagree is broken or tampered with: §16.1.
    const std::string* fp = value("fp");
    if (fp == nullptr || *fp != p2p::fingerprint_of(*key)) {
        return fail(Errc::invalid_argument, "fp is not the fingerprint of pk");
    }
    return Announcement {*uid, *key, *versions};
}

} // namespace rocd::discovery
