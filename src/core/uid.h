// Identifiers of peers, ports and streams.
#pragma once

#include <compare>
#include <functional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace rocd {

/// A 20-character identifier: three groups of six [a-z0-9] joined by '-'
/// ("rx4sse-w0zas1-gf2s1o"). Either random (CSPRNG) or derived reproducibly
/// from a kind tag and a seed, so that e.g. a system device keeps its uid
/// across restarts of rocd and of the audio server.
class Uid {
public:
    static constexpr std::size_t length = 20;

    /// A fresh uid from the operating system's CSPRNG.
    static Uid random();

    /// The uid that SHA-256(kind, seed) maps to; equal inputs, equal uids.
    /// `kind` separates namespaces ("port", "peer"...) so that equal seeds of
    /// different kinds do not collide.
    static Uid derive(std::string_view kind, std::string_view seed);

    /// Strict parse: exactly the 20-character form, lower case only.
    static Result<Uid> parse(std::string_view text);

    /// True if `text` has the uid form.
    static bool is_valid(std::string_view text);

    const std::string& str() const { return value_; }

    auto operator<=>(const Uid&) const = default;

private:
    explicit Uid(std::string value) : value_(std::move(value)) {}

    std::string value_;
};

} // namespace rocd

template <> struct std::hash<rocd::Uid> {
    std::size_t operator()(const rocd::Uid& uid) const noexcept {
        return std::hash<std::string> {}(uid.str());
    }
};
