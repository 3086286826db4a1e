#include "peers/remote_ports.h"

#include <spdlog/spdlog.h>

namespace rocd::peers {

RemotePorts::RemotePorts(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network,
                         PortMirror::Parse parse, Options options)
    : requests_(io, peers, network), parse_(std::move(parse)), options_(options) {}

void RemotePorts::update(const Uid& peer, const Uid& port, nlohmann::json changes, Done<Port> done) {
    changes["port_uid"] = port.str();
    requests_.send(peer, capability, "port_update", std::move(changes), options_.timeout,
                   [this, peer, done = std::move(done)](Result<p2p::Message> reply) {
                       done(reply ? port_of(peer, *reply) : tl::unexpected(reply.error()));
                   });
}

void RemotePorts::create_virtual(const Uid& peer, nlohmann::json spec, Done<Port> done) {
    spec["create_uid"] = Uid::random().str();
    requests_.send(peer, capability, "port_create_virtual", std::move(spec), options_.create_timeout,
                   [this, peer, done = std::move(done)](Result<p2p::Message> reply) {
                       done(reply ? port_of(peer, *reply) : tl::unexpected(reply.error()));
                   });
}

void RemotePorts::remove(const Uid& peer, const Uid& port, Done<void> done) {
    requests_.send(peer, capability, "port_delete", {{"port_uid", port.str()}}, options_.timeout,
                   [done = std::move(done)](Result<p2p::Message> reply) {
                       done(reply ? Status {} : tl::unexpected(reply.error()));
                   });
}

Result<Port> RemotePorts::port_of(const Uid& peer, const p2p::Message& reply) const {
    auto it = reply.body.find("port");
    Result<Port> port = it != reply.body.end()
                            ? parse_(*it, peer)
                            : Result<Port>(fail(Errc::invalid_argument, "no port", "port"));
    if (!port) {
        spdlog::warn("peers: {} answered {} with a port this daemon cannot read: {}", peer.str(), reply.type,
                     port.error().message);
        return fail(Errc::internal, "peer " + peer.str() + " answered with a port this daemon cannot read");
    }
    return port;
}

} // namespace rocd::peers
