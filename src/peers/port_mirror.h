// The mirrors of other peers' ports (topic `ports`, docs/p2p.md §12):
// GET /peers/{peer}/ports of a remote peer answers from here.
#pragma once

#include "core/port.h"
#include "peers/topic_mirror.h"

namespace rocd::peers {

using MirroredPorts = Mirrored<Port>;
using PortMirror = TopicMirror<Port>;

} // namespace rocd::peers
