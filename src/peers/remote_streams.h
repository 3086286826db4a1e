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
#include "store/stream_stop_repository.h"

namespace rocd::peers {

class RemoteStreams {
public:
    struct Options {
        /// §20.2: the receiving peer opens a device and binds sockets.
        std::chrono::milliseconds timeout {10000};
        /// stream_create: the sender asks the receiver in turn.
        std::chrono::milliseconds create_timeout {15000};
    };

    /// `stops`: where the stops owed to peers are kept (§20.5).
    RemoteStreams(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network,
                  store::StreamStopRepository& stops, Options options)
        : requests_(io, peers, network), stops_(stops), options_(options) {}
    RemoteStreams(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network,
                  store::StreamStopRepository& stops)
        : RemoteStreams(io, peers, network, stops, Options {}) {}

    /// stream_create: the sending peer `owner` sets up `stream` ({stream_uid,
    /// source, destination, settings}) with its receiving peer; `done` gets
    /// the stream as the owner shows it.
    void create(const Uid& owner, nlohmann::json stream, Done<nlohmann::json> done);
    /// stream_open_receiver: `stream` is {stream_uid, source, destination,
    /// settings}; `done` gets the endpoints the peer bound ({media_uri,
    /// repair_uri, control_uri}).
    void open_receiver(const Uid& peer, nlohmann::json stream, Done<nlohmann::json> done);
    /// stream_update: the peer applies to its half of `stream` what of the
    /// settings patch `settings` concerns it.
    void update(const Uid& peer, const Uid& stream, nlohmann::json settings, Done<void> done);
    /// stream_stop: the peer removes its half of `stream` (done if it has none).
    void stop(const Uid& peer, const Uid& stream, Done<void> done);
    /// stream_stop until it is delivered (§20.5): kept as owed to `peer`,
    /// sent now, forgotten once `peer` answered it; while `peer` cannot be
    /// reached, sent again each time it comes online.
    void stop_owed(const Uid& peer, const Uid& stream);
    /// `peer` came online: the stops owed to it go out.
    void on_online(const Uid& peer);

    /// The capability a peer must list for these requests (§6.2).
    static constexpr std::string_view capability = "streams";

private:
    void send_owed(const Uid& peer, const Uid& stream);

    PeerRequests requests_;
    store::StreamStopRepository& stops_;
    Options options_;
};

} // namespace rocd::peers
