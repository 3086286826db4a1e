#include "p2p/error_code.h"

#include <array>
#include <utility>

namespace rocd::p2p {

namespace {

constexpr std::array<std::pair<ErrorCode, std::string_view>, 14> names {{
    {ErrorCode::hello_required, "hello_required"},
    {ErrorCode::unsupported_version, "unsupported_version"},
    {ErrorCode::untrusted, "untrusted"},
    {ErrorCode::key_mismatch, "key_mismatch"},
    {ErrorCode::unknown_type, "unknown_type"},
    {ErrorCode::malformed, "malformed"},
    {ErrorCode::invalid_argument, "invalid_argument"},
    {ErrorCode::not_found, "not_found"},
    {ErrorCode::conflict, "conflict"},
    {ErrorCode::unavailable, "unavailable"},
    {ErrorCode::timeout, "timeout"},
    {ErrorCode::busy, "busy"},
    {ErrorCode::gone, "gone"},
    {ErrorCode::internal, "internal"},
}};

} // namespace

std::string_view to_string(ErrorCode code) {
    for (const auto& [c, name] : names) {
        if (c == code) {
            return name;
        }
    }
    return "internal";
}

std::optional<ErrorCode> error_code_of(std::string_view text) {
    for (const auto& [c, name] : names) {
        if (name == text) {
            return c;
        }
    }
    return std::nullopt;
}

} // namespace rocd::p2p
