#include "streams/stream_spec.h"

namespace rocd::streams {

std::vector<Uid> port_uids(const StreamSpec& spec) {
    std::vector<Uid> out {*spec.port_uid};
    if (spec.playback_port_uid) {
        out.push_back(*spec.playback_port_uid);
    }
    return out;
}

const char* direction_name(StreamDirection direction) {
    switch (direction) {
    case StreamDirection::send:
        return "send";
    case StreamDirection::receive:
        return "receive";
    case StreamDirection::local:
        break;
    }
    return "local";
}

} // namespace rocd::streams
