// Where committed changes become events: each service's listener is wired
// to the bus here, with the resource's JSON from api/representation. Wire a
// service right after constructing it, before it starts, so that its first
// change is not missed.
#pragma once

#include <functional>

#include <nlohmann/json.hpp>

#include "events/event_bus.h"
#include "peers/peer_service.h"
#include "peers/port_mirror.h"
#include "ports/port_service.h"
#include "streams/stream_references.h"
#include "streams/stream_service.h"

namespace rocd::daemon {

void wire_events(events::EventBus& bus, peers::PeerService& peers);
void wire_events(events::EventBus& bus, ports::PortService& ports);
/// Other peers' ports as this daemon mirrors them (their port_* events).
void wire_events(events::EventBus& bus, peers::PortMirror& mirror);
void wire_events(events::EventBus& bus, streams::StreamService& streams);

/// What a peer shows of a stream it coordinated (api::coordinated_json).
using CoordinatedView = std::function<nlohmann::json(const streams::StreamReference&)>;
/// The cross-peer streams coordinated here: stream_added and stream_removed
/// as their references come and go, and stream_state_changed when `view`
/// shows another state than before, checked each time the returned function
/// is called (the ends' peers or their mirrored halves changed).
std::function<void()> wire_events(events::EventBus& bus, streams::StreamReferences& references,
                                  CoordinatedView view);

} // namespace rocd::daemon
