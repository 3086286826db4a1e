// The mirrors of other peers' halves of cross-peer streams (topic
// `streams`, docs/p2p.md §20.7): the other end of a stream this daemon
// holds a half of, and both ends of one it coordinated, come from here.
#pragma once

#include <nlohmann/json.hpp>

#include "core/uid.h"
#include "peers/topic_mirror.h"

namespace rocd::peers {

/// A half as its peer shows it (api::stream_json), checked on arrival.
struct RemoteHalf {
    Uid uid;
    nlohmann::json json;
    bool operator==(const RemoteHalf&) const = default;
};

using MirroredHalves = Mirrored<RemoteHalf>;
using StreamMirror = TopicMirror<RemoteHalf>;

} // namespace rocd::peers
