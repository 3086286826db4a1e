// A stream between two peers' ports (docs/p2p.md §20), as the sending peer
// (the owner) and the peer whose REST API got the POST drive it: the
// receiving peer opens its half first and says where it listens, then the
// sending half opens under the same uid, and a failure of the second step
// undoes the first; a PATCH reaches both ends; a link back online makes the
// owner ask for the receiving half again; the other end is told when a half
// is deleted.
#pragma once

#include <optional>
#include <string>

#include "core/done.h"
#include "core/uid.h"
#include "peers/remote_streams.h"
#include "streams/stream_service.h"

namespace rocd::api {

/// The peer of a port URI, unless it is this one (`self`).
std::optional<Uid> peer_of(const std::string& port_uri, const Uid& self);

/// The stream as stream_create and stream_open_receiver carry it: its uid,
/// both ports and the settings of both ends.
nlohmann::json stream_request(const Uid& uid, const std::string& source, const std::string& destination,
                              const nlohmann::json& settings);

/// The error of a cross-peer request while the peer protocol is off here.
Error protocol_off(const char* field);

/// Whether a client's `spec` joins this peer's port to another peer's.
bool is_cross_peer(const streams::StreamSpec& spec, const Uid& self);

/// Creates the cross-peer stream `spec` (a local spec as parsed, one end of
/// which is this peer's port, the other another peer's), under `uid` if given (a coordinator drew
/// it). From this peer's port: asks the receiving peer to open its half,
/// then opens the sending half here. To this peer's port: asks the sending
/// peer to do so (stream_create), and answers with this peer's half.
/// `remote` is null when the peer protocol is off.
void create_cross_peer(streams::StreamService& streams, peers::RemoteStreams* remote, const Uid& self,
                       const streams::StreamSpec& spec, Done<streams::StreamView> done,
                       std::optional<Uid> uid = std::nullopt);

/// PATCH of `half`, a half of a cross-peer stream: `body` (as for a local
/// stream) may change the settings of either end. This half takes what
/// concerns it, then the other end its part (stream_update); if the other
/// end refuses or cannot be reached, this half gets its old settings back.
void update_cross_peer(streams::StreamService& streams, peers::RemoteStreams* remote,
                       const streams::StreamView& half, const nlohmann::json& body,
                       Done<streams::StreamView> done);

/// The link to `peer` came online (either of us restarted, or the network is
/// back): it is asked again to open the receiver of every stream this
/// daemon sends to it (docs/p2p.md §20.3). A half it answers with new
/// endpoints is sent there; one it deleted meanwhile (`gone`) is deleted here.
void reopen_receivers(streams::StreamService& streams, peers::RemoteStreams& remote, const Uid& self,
                      const Uid& peer);

/// After `removed`, a half of a cross-peer stream, was deleted here: the other
/// end removes its half, now or when it is online again (a stop owed).
void tell_other_end(peers::RemoteStreams* remote, const streams::StreamView& removed);

} // namespace rocd::api
