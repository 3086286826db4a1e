// What a peer shows of a cross-peer stream (docs/p2p.md §20.7): its own
// half, with `ends` giving both halves' state and metrics and the peer
// each figure is from (the other half from the mirror of that peer's
// `streams` topic).
#pragma once

#include <nlohmann/json.hpp>

#include "core/uid.h"
#include "peers/stream_mirror.h"
#include "streams/stream_references.h"
#include "streams/stream_view.h"

namespace rocd::api {

/// The half `uid` that `peer` published, if this daemon's mirror holds it.
const peers::RemoteHalf* mirrored_half(const peers::StreamMirror* mirror, const Uid& peer, const Uid& uid);

/// `peer`'s end of stream `uid` in `ends`, as mirrored (only `peer_uri`,
/// and `synced_at: null`, while nothing is known of it).
nlohmann::json mirrored_end(const peers::StreamMirror* mirror, const Uid& peer, const Uid& uid);

/// stream_json of `stream`, with `ends` when it is a half of a cross-peer
/// stream. `mirror` is null when the peer protocol is off.
nlohmann::json shown_stream(const streams::StreamView& stream, const Uid& self,
                            const peers::StreamMirror* mirror);

/// A stream this peer coordinated between two other peers' ports
/// (direction `coordinated`): both ends from the mirrors. Its `state` is
/// `waiting_for_peer` (with `peer_uri`) while either end's peer is offline
/// or unknown, the sender's when it cannot send (error, waiting_for_port),
/// the receiver's otherwise; its settings are the sender's half's.
nlohmann::json coordinated_json(const streams::StreamReference& reference, const peers::StreamMirror* mirror);

} // namespace rocd::api
