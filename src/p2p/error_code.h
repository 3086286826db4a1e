// The error codes of the peer protocol (docs/p2p.md §15).
#pragma once

#include <optional>
#include <string_view>

namespace rocd::p2p {

enum class ErrorCode {
    hello_required,
    unsupported_version,
    untrusted,
    key_mismatch,
    unknown_type,
    malformed,
    invalid_argument,
    not_found,
    conflict,
    unavailable,
    timeout,
    busy,
    gone,
    internal,
};

std::string_view to_string(ErrorCode code);
std::optional<ErrorCode> error_code_of(std::string_view text);

} // namespace rocd::p2p
