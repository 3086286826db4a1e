// The daemon's services on the control plane's io_context, with their
// events and REST routes wired: what run() serves over HTTP, and what the
// fuzz harnesses (fuzz/) drive in-process. The one place the services are
// put together.
#pragma once

#include <filesystem>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "api/http/router.h"
#include "api/routes/status.h"
#include "config/config.h"
#include "core/error.h"
#include "daemon/metrics_events.h"
#include "daemon/stream_publication.h"
#include "discovery/dns_sd.h"
#include "drivers/device_driver.h"
#include "events/event_bus.h"
#include "p2p/identity.h"
#include "peers/fleet.h"
#include "peers/pairings.h"
#include "peers/peer_network.h"
#include "peers/peer_service.h"
#include "peers/port_mirror.h"
#include "peers/proposals.h"
#include "peers/remote_ports.h"
#include "peers/remote_streams.h"
#include "peers/stream_mirror.h"
#include "peers/topic_publisher.h"
#include "ports/port_service.h"
#include "store/store.h"
#include "streams/stream_references.h"
#include "streams/stream_service.h"
#include "transport/net/network_loop.h"

namespace rocd::daemon {

class ControlPlane {
public:
    /// Loads (or makes, at the first start) this daemon's peer key in the
    /// state directory, binds the peer protocol's ROUTER (unless
    /// p2p_listen is off) and dials the configured and trusted peers,
    /// builds the services on an opened store, re-creates the stored ports
    /// (running `io` until they are listed: nothing else may be on it yet)
    /// and restores the stored streams. The arguments must outlive it.
    static Result<std::unique_ptr<ControlPlane>>
    start(boost::asio::io_context& io, const config::Config& config, drivers::DeviceDriver& driver,
          transport::net::NetworkLoop& network, store::Store& store, const api::DaemonInfo& info);

    /// Adds every route of the API to `router`; `data_dir` holds the
    /// OpenAPI document and the /docs renderer.
    Status add_routes(api::Router& router, const std::filesystem::path& data_dir);

    peers::PeerService& peers() { return peers_; }
    /// nullptr when p2p_listen is off.
    peers::PeerNetwork* network() { return network_.get(); }
    ports::PortService& ports() { return ports_; }
    streams::StreamService& streams() { return streams_; }

private:
    ControlPlane(boost::asio::io_context& io, const config::Config& config, drivers::DeviceDriver& driver,
                 transport::net::NetworkLoop& network, store::Store& store, const api::DaemonInfo& info,
                 p2p::Identity identity);

    boost::asio::io_context& io_;
    const config::Config& config_;
    api::DaemonInfo info_;
    p2p::Identity identity_;
    store::StreamStopRepository& stream_stops_;
    events::EventBus bus_;
    peers::PeerService peers_;
    ports::PortService ports_;
    streams::StreamService streams_;
    streams::StreamReferences references_;
    /// Tells the coordinated streams' state changes (event_wiring).
    std::function<void()> recheck_coordinated_;
    std::unique_ptr<MetricsEvents> metrics_events_;
    // Last: its callbacks use the services, so it goes first.
    std::unique_ptr<peers::PeerNetwork> network_;
    std::unique_ptr<peers::Pairings> pairings_;
    std::unique_ptr<peers::Fleet> fleet_; // with a network_secret only
    std::unique_ptr<peers::TopicPublisher> publisher_;
    std::unique_ptr<StreamPublication> stream_publication_;
    std::unique_ptr<peers::PortMirror> mirror_;
    std::unique_ptr<peers::StreamMirror> stream_mirror_;
    std::unique_ptr<peers::RemotePorts> remote_ports_;
    std::unique_ptr<peers::RemoteStreams> remote_streams_;
    std::unique_ptr<peers::Proposals> proposals_;
    // Last of all: its thread is stopped before what it proposes to goes.
    std::unique_ptr<discovery::DnsSd> dns_sd_;

    Status start_peer_protocol();
    /// Publishes this daemon and proposes the peers found (discovery: dns-sd).
    void start_dns_sd();
};

} // namespace rocd::daemon
