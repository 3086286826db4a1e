#include "daemon/event_wiring.h"

#include <map>
#include <memory>

#include "api/representation/peer_json.h"
#include "api/representation/port_json.h"
#include "api/representation/stream_json.h"
#include "core/uri.h"

namespace rocd::daemon {

namespace {

std::string uri_of(const Port& port) {
    return Uri::port(PeerRef::of(port.peer_uid), port.uid).str();
}

// Here rather than in api/representation, which the peer protocol below
// peers/ uses and which therefore cannot know peers/.
const char* peer_event_type(peers::PeerService::Change change) {
    switch (change) {
    case peers::PeerService::Change::added:
        return events::type::peer_added;
    case peers::PeerService::Change::removed:
        return events::type::peer_removed;
    case peers::PeerService::Change::updated:
        break;
    }
    return events::type::peer_updated;
}

} // namespace

void wire_events(events::EventBus& bus, peers::PeerService& peers) {
    peers.add_listener([&bus](peers::PeerService::Change change, const Peer& peer) {
        bus.publish(peer_event_type(change), Uri::peer(PeerRef::of(peer.uid)).str(), api::peer_json(peer));
    });
    bus.add_snapshot_source([&peers] {
        std::vector<events::Snapshot> out;
        if (auto list = peers.list()) {
            for (const auto& peer : *list) {
                out.push_back({"peer", Uri::peer(PeerRef::of(peer.uid)).str(), api::peer_json(peer)});
            }
        }
        return out;
    });
}

void wire_events(events::EventBus& bus, ports::PortService& ports) {
    ports.add_listener([&bus](ports::PortService::Change change, const Port& port) {
        bus.publish(api::port_event_type(change), uri_of(port), api::port_json(port));
    });
    bus.add_snapshot_source([&ports] {
        std::vector<events::Snapshot> out;
        for (const auto& port : ports.list()) {
            out.push_back({"port", uri_of(port), api::port_json(port)});
        }
        return out;
    });
}

void wire_events(events::EventBus& bus, peers::PortMirror& mirror) {
    mirror.add_listener([&bus](const std::string& event, const Port& port) {
        bus.publish(event, uri_of(port), api::port_json(port));
    });
    bus.add_snapshot_source([&mirror] {
        std::vector<events::Snapshot> out;
        for (const auto* mirrored : mirror.all()) {
            for (const auto& port : mirrored->items) {
                out.push_back({"port", uri_of(port), api::port_json(port)});
            }
        }
        return out;
    });
}

void wire_events(events::EventBus& bus, streams::StreamService& streams) {
    streams.add_listener([&bus](streams::StreamChange change, const streams::StreamView& stream) {
        bus.publish(api::stream_event_type(change), Uri::stream(stream.uid).str(), api::stream_json(stream));
    });
    bus.add_snapshot_source([&streams] {
        std::vector<events::Snapshot> out;
        for (const auto& stream : streams.list()) {
            out.push_back({"stream", Uri::stream(stream.uid).str(), api::stream_json(stream)});
        }
        return out;
    });
}

std::function<void()> wire_events(events::EventBus& bus, streams::StreamReferences& references,
                                  CoordinatedView view) {
    // The state each was last shown in, to tell only changes.
    auto shown = std::make_shared<std::map<Uid, nlohmann::json>>();
    references.add_listener(
        [&bus, view, shown](streams::StreamChange change, const streams::StreamReference& r) {
            auto json = view(r);
            if (change == streams::StreamChange::removed) {
                shown->erase(r.uid);
            } else {
                (*shown)[r.uid] = json["state"];
            }
            bus.publish(api::stream_event_type(change), Uri::stream(r.uid).str(), json);
        });
    bus.add_snapshot_source([&references, view] {
        std::vector<events::Snapshot> out;
        for (const auto& reference : references.list()) {
            out.push_back({"stream", Uri::stream(reference.uid).str(), view(reference)});
        }
        return out;
    });
    return [&bus, &references, view, shown] {
        for (const auto& reference : references.list()) {
            auto json = view(reference);
            auto& last = (*shown)[reference.uid];
            if (last != json["state"]) {
                last = json["state"];
                bus.publish(events::type::stream_state_changed, Uri::stream(reference.uid).str(), json);
            }
        }
    };
}

} // namespace rocd::daemon
