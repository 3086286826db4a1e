// The peer protocol's messages on the wire (docs/p2p.md §5, §14): one
// ZeroMQ frame holding one JSON object, {"v", "type", "id" | "re",
// "timeout_ms", "body"}. decode() applies every rule of §5.2, so what it
// returns has the envelope its kind needs and the body fields its type
// requires; handlers read the body knowing that much.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "p2p/error_code.h"

namespace rocd::p2p {

/// Version 1 is the only one so far (§6).
inline constexpr int protocol_version = 1;
/// The largest message, in bytes of JSON (§5.2).
inline constexpr std::size_t max_message_size = 1 << 20;
/// Request ids stay below 2^53, exact in every JSON library.
inline constexpr std::uint64_t max_request_id = (std::uint64_t(1) << 53) - 1;
inline constexpr std::uint32_t max_timeout_ms = 60000;

enum class MessageKind { request, reply, one_way };

struct Message {
    int version = protocol_version;
    std::string type;
    std::optional<std::uint64_t> id;         // requests
    std::optional<std::uint64_t> re;         // replies
    std::optional<std::uint32_t> timeout_ms; // requests
    nlohmann::json body = nlohmann::json::object();
};

/// Why a frame was not taken, and what the sender is owed (§5.2): a
/// request whose id could be read is answered with `code`; anything else is
/// dropped and counted.
struct DecodeFailure {
    ErrorCode code;
    std::string detail;
    std::optional<std::uint64_t> request_id;
    /// A reply whose `re` could be read: the request it fails.
    std::optional<std::uint64_t> replies_to = std::nullopt;
};

tl::expected<Message, DecodeFailure> decode(std::string_view frame);

/// The frame of a message; the caller builds only well-formed messages.
std::string encode(const Message& message);

/// The kind of a type of §14, or nothing for a type version 1 does not know.
std::optional<MessageKind> kind_of(std::string_view type);

/// Every type of §14, in the page's order.
const std::vector<std::string_view>& message_types();

/// The reply to `request` with `body` (its type is the request's + "_reply").
Message reply_to(const Message& request, nlohmann::json body);
/// The error answering `request` (§14.2).
Message error_reply(const Message& request, ErrorCode code, std::string detail);

} // namespace rocd::p2p
