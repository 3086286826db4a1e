// A POST /streams between two peers' ports, on the sending peer (docs/p2p.md
// §20.2, with this daemon sender, owner and coordinator at once): the
// receiving peer opens its half first and says where it listens, then the
// sending half opens here under the same uid; a failure of the second step
// undoes the first. And the other end told when a half is deleted.
#pragma once

#include "core/done.h"
#include "core/uid.h"
#include "peers/remote_streams.h"
#include "streams/stream_service.h"

namespace rocd::api {

/// Whether a client's `spec` joins this peer's port to another peer's.
bool is_cross_peer(const streams::StreamSpec& spec, const Uid& self);

/// Creates the cross-peer stream `spec` (a local spec as parsed, whose
/// destination is another peer's port). `remote` is null when the peer
/// protocol is off.
void create_cross_peer(streams::StreamService& streams, peers::RemoteStreams* remote, const Uid& self,
                       const streams::StreamSpec& spec, Done<streams::StreamView> done);

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
