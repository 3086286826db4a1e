// /streams routes: create, list, read, change and delete streams: this
// peer's own (local, and halves of cross-peer streams), and the cross-peer
// streams it coordinated between two other peers.
#pragma once

#include "api/http/router.h"
#include "core/uid.h"
#include "peers/remote_streams.h"
#include "peers/stream_mirror.h"
#include "streams/stream_references.h"
#include "streams/stream_service.h"

namespace rocd::api {

struct StreamRouteServices {
    streams::StreamService& streams;
    streams::StreamReferences& references;
    /// This daemon's peer uid.
    Uid self;
    /// The cross-peer stream requests and the other peers' halves (both
    /// null when the peer protocol is off).
    peers::RemoteStreams* remote = nullptr;
    const peers::StreamMirror* mirror = nullptr;
};

void add_stream_routes(Router& router, StreamRouteServices services);

} // namespace rocd::api
