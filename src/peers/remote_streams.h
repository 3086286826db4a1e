// The requests of a cross-peer stream that this daemon sends (docs/p2p.md
// §20.8): asking the receiving peer to open its half, and telling the other
// end that a stream is gone. JSON in and out: what a half is, is the
// stream service's and the API's.
#pragma once

#include <chrono>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "core/done.h"
#include "core/uid.h"
#include "peers/peer_network.h"
#include "peers/peer_requests.h"
#include "peers/peer_service.h"

namespace rocd::peers {

class RemoteStreams {
public:
    struct Options {
        /// §20.2: the receiving peer opens a device and binds sockets.
        std::chrono::milliseconds timeout {10000};
    };

    RemoteStreams(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network, Options options)
        : requests_(io, peers, network), options_(options) {}
    RemoteStreams(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network)
        : RemoteStreams(io, peers, network, Options {}) {}

    /// stream_open_receiver: `stream` is {stream_uid, source, destination,
    /// settings}; `done` gets the endpoints the peer bound ({media_uri,
    /// repair_uri, control_uri}).
    void open_receiver(const Uid& peer, nlohmann::json stream, Done<nlohmann::json> done);
    /// stream_stop: the peer removes its half of `stream` (done if it has none).
    void stop(const Uid& peer, const Uid& stream, Done<void> done);

    /// The capability a peer must list for these requests (§6.2).
    static constexpr std::string_view capability = "streams";

private:
    PeerRequests requests_;
    Options options_;
};

} // namespace rocd::peers
