#include "api/representation/peer_json.h"

#include "api/representation/time_json.h"
#include "core/uri.h"
#include "core/version.h"

namespace rocd::api {

nlohmann::json peer_json(const Peer& peer) {
    nlohmann::json json {
        {"peer_uri", Uri::peer(PeerRef::of(peer.uid)).str()},
        {"peer_uid", peer.uid.str()},
        {"display_name", peer.display_name},
        {"is_self", peer.is_self},
        {"addresses", peer.addresses},
    };
    if (peer.is_self) {
        json["version"] = version;
    } else if (peer.daemon_version) {
        json["version"] = *peer.daemon_version;
    }
    if (peer.key) {
        json["public_key"] = peer.key->public_key;
        json["fingerprint"] = peer.key->fingerprint;
    }
    if (peer.trust) {
        json["trust"] = to_string(*peer.trust);
    }
    if (peer.state) {
        json["state"] = to_string(*peer.state);
    }
    if (peer.last_seen) {
        json["last_seen"] = iso8601(*peer.last_seen);
    }
    if (peer.protocol_version) {
        json["protocol_version"] = *peer.protocol_version;
    }
    if (peer.rtt_ms) {
        json["rtt_ms"] = *peer.rtt_ms;
    }
    return json;
}

} // namespace rocd::api
