#include "streams/stream_view.h"

namespace rocd::streams {

const char* state_name(StreamState state) {
    switch (state) {
    case StreamState::starting:
        return "starting";
    case StreamState::active:
        return "active";
    case StreamState::idle:
        return "idle";
    case StreamState::waiting_for_port:
        return "waiting_for_port";
    case StreamState::waiting_for_peer:
        return "waiting_for_peer";
    case StreamState::error:
        break;
    }
    return "error";
}

} // namespace rocd::streams
