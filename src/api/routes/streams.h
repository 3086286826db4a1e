// /streams routes: create, list, read, change and delete streams.
#pragma once

#include "api/http/router.h"
#include "core/uid.h"
#include "peers/remote_streams.h"
#include "streams/stream_service.h"

namespace rocd::api {

/// `self`: this daemon's peer uid; `remote`: the cross-peer stream requests
/// (null when the peer protocol is off).
void add_stream_routes(Router& router, streams::StreamService& streams, const Uid& self,
                       peers::RemoteStreams* remote);

} // namespace rocd::api
