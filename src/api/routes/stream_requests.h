// The cross-peer stream requests of the peer protocol that this daemon
// serves (docs/p2p.md §20.8): another peer's stream_create (set up a stream
// from this daemon's port to the asker's, as its POST /streams asked), stream_open_receiver (open the
// receiving half of a stream it sends, and say which endpoints it bound),
// stream_update (a settings patch made on its half) and stream_stop (remove
// this daemon's half of a stream with that peer).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/uid.h"
#include "p2p/message.h"
#include "peers/remote_streams.h"
#include "streams/stream_service.h"

namespace rocd::api {

/// Whether `type` is one of the requests served here.
bool is_stream_request(std::string_view type);

/// Who asks: the peer's uid, and its IP address as the connection shows it
/// (the receiving half binds on the address that reaches it, §20.4).
struct StreamAsker {
    Uid peer;
    std::string address;
};

/// Runs `request` of a trusted peer and answers it through `reply`, exactly
/// once, possibly after the audio server answered. `self` is this daemon's
/// peer uid.
/// `remote` is null when the peer protocol is off.
void serve_stream_request(streams::StreamService& streams, peers::RemoteStreams* remote, const Uid& self,
                          const StreamAsker& asker, const p2p::Message& request,
                          std::function<void(p2p::Message)> reply);

} // namespace rocd::api
