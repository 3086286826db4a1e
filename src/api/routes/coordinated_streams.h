// A stream between two other peers' ports, through this peer (docs/p2p.md
// §20.2 with a third peer C as coordinator): the sending peer is asked to
// make it (stream_create, which asks the receiving peer in turn), and this
// peer keeps a reference to list, show, change and delete it; a DELETE
// tells both ends (a stop owed to each), a PATCH goes to the sender, which
// carries it to the receiver.
#pragma once

#include <nlohmann/json.hpp>

#include "core/done.h"
#include "core/uid.h"
#include "peers/remote_streams.h"
#include "streams/stream_references.h"
#include "streams/stream_spec.h"

namespace rocd::api {

/// `spec` (a client's POST, both ends other peers' ports): made by the
/// sending peer under a uid drawn here, then kept as a reference.
void coordinate(streams::StreamReferences& references, peers::RemoteStreams* remote, const Uid& self,
                const streams::StreamSpec& spec, Done<streams::StreamReference> done);

/// PATCH of a coordinated stream: checked here, then applied by both ends.
void update_coordinated(peers::RemoteStreams* remote, const streams::StreamReference& reference,
                        const nlohmann::json& body, Done<void> done);

/// DELETE of a coordinated stream: both ends are owed a stop, and the
/// reference goes.
Status remove_coordinated(streams::StreamReferences& references, peers::RemoteStreams* remote,
                          const streams::StreamReference& reference);

} // namespace rocd::api
