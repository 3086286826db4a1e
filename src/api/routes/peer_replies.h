// What this daemon answers to another peer's request (docs/p2p.md §7.2,
// §15): the error reply with the problem its own REST API would give, and
// the fields such requests share.
#pragma once

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/uid.h"
#include "p2p/message.h"

namespace rocd::api {

/// The `error` reply to `request`, carrying the problem this daemon's REST
/// API would answer for `error`.
p2p::Message peer_error_reply(const p2p::Message& request, const Error& error);

/// The uid in `body[name]`; an error naming the field otherwise.
Result<Uid> uid_field(const nlohmann::json& body, const char* name);

} // namespace rocd::api
