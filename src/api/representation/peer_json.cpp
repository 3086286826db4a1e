#include "api/representation/peer_json.h"

#include "core/uri.h"
#include "core/version.h"

namespace rocd::api {

nlohmann::json peer_json(const Peer& peer) {
    nlohmann::json json {
        {"peer_uri", Uri::peer(PeerRef::of(peer.uid)).str()},
        {"peer_uid", peer.uid.str()},
        {"display_name", peer.display_name},
        // Only this daemon's version is known until peers talk to each other.
        {"version", version},
        {"is_self", peer.is_self},
    };
    if (peer.key) {
        json["public_key"] = peer.key->public_key;
        json["fingerprint"] = peer.key->fingerprint;
    }
    return json;
}

} // namespace rocd::api
