// Stream ends named the way people name them: "kitchen:Speakers" (a peer's
// display name or uid, a colon, a port's display name or uid) or just
// "Speakers" (a port of this daemon), resolved through GET /peers and GET
// /peers/{peer}/ports into a port URI.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "client.h"
#include "core/error.h"

namespace rocctl {

/// Whether `text` names a port by names: not a port URI (/peers/...) and not
/// an address (scheme://...).
bool is_port_name(const std::string& text);

/// The uid of the one peer in `peers` (GET /peers) that `name` means: "self",
/// a uid, or a display name (exact, then ignoring case). Ambiguous or unknown
/// names are errors that say which peers there are.
rocd::Result<std::string> find_peer(const nlohmann::json& peers, const std::string& name);

/// The port URI of the one port in `ports` (GET /peers/{peer}/ports) that
/// `name` means: a uid or a display name (exact, then ignoring case).
rocd::Result<std::string> find_port(const nlohmann::json& ports, const std::string& name,
                                    const std::string& peer);

/// `text` as a port URI: port URIs and addresses as given, names resolved.
rocd::Result<std::string> resolve_stream_end(Client& client, const std::string& text);

} // namespace rocctl
