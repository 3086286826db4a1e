// The API field paths of a stream's parts, for the problems that name them:
// shared by the opener's checks and its name lookups.
#pragma once

#include <string>

#include "streams/stream_spec.h"
#include "transport/config_checks.h"
#include "transport/endpoint.h"

namespace rocd::streams {

inline bool sends(const StreamSpec& spec) {
    return spec.direction != StreamDirection::receive;
}

inline bool receives(const StreamSpec& spec) {
    return spec.direction != StreamDirection::send;
}

/// The API field paths of the captured port, the played port and the
/// address side of a spec.
inline std::string capture_field() {
    return "source.port_uri";
}

inline std::string playback_field() {
    return "destination.port_uri";
}

inline std::string address_side(const StreamSpec& spec) {
    return spec.direction == StreamDirection::send ? "destination" : "source";
}

/// The API field of the stream's address that a transport endpoint is
/// taken from.
inline std::string address_field(const StreamSpec& spec, transport::Interface iface) {
    const std::string side = address_side(spec);
    switch (iface) {
    case transport::Interface::source:
        break;
    case transport::Interface::repair:
        return side + ".repair_uri";
    case transport::Interface::control:
        return side + ".control_uri";
    }
    return side + ".media_uri";
}

/// The address check of a stream's side: where a sender may send, or what
/// a receiver may bind (a name is checked again once resolved). The
/// receiving half of a cross-peer stream may bind port 0: it tells the
/// sending peer which ports it got, and keeps them (StreamService::add).
inline Status check_stream_address(const StreamSpec& spec, const transport::Endpoint& endpoint,
                                   const std::string& field) {
    if (sends(spec)) {
        return transport::check_destination(endpoint, field);
    }
    if (spec.other_end && endpoint.uri.port_number() == 0) {
        return {};
    }
    return transport::check_bind_address(endpoint, field);
}

} // namespace rocd::streams
