// Another peer's ports changed through this daemon (docs/p2p.md §13, §7.2):
// a REST call already checked here is forwarded to the peer as a request
// on this daemon's link to it, and answered with what the peer answered:
// its port, or its error as its own REST API would have put it. The
// peer's mirror follows by itself (the peer publishes the change).
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "core/done.h"
#include "core/port.h"
#include "p2p/link.h"
#include "peers/peer_network.h"
#include "peers/peer_requests.h"
#include "peers/peer_service.h"
#include "peers/port_mirror.h"

namespace rocd::peers {

class RemotePorts {
public:
    struct Options {
        /// Deadlines of §7.1: the audio server makes a device for a create.
        std::chrono::milliseconds timeout {5000};
        std::chrono::milliseconds create_timeout {10000};
    };

    RemotePorts(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network,
                PortMirror::Parse parse, Options options);
    RemotePorts(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network,
                PortMirror::Parse parse)
        : RemotePorts(io, peers, network, std::move(parse), Options {}) {}

    /// `changes`: a PATCH body, as api/representation's parse_port_patch
    /// accepted it.
    void update(const Uid& peer, const Uid& port, nlohmann::json changes, Done<Port> done);
    /// `spec`: a POST body, as parse_virtual_port accepted it. A fresh
    /// create_uid keys it (§7.3).
    void create_virtual(const Uid& peer, nlohmann::json spec, Done<Port> done);
    void remove(const Uid& peer, const Uid& port, Done<void> done);

    /// The capability a peer must list for these requests (§6.2).
    static constexpr std::string_view capability = "ports";

private:
    Result<Port> port_of(const Uid& peer, const p2p::Message& reply) const;

    PeerRequests requests_;
    PortMirror::Parse parse_;
    Options options_;
};

} // namespace rocd::peers
