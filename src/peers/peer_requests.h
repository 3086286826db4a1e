// Requests to another peer on this daemon's link to it (docs/p2p.md §7):
// only to a trusted peer that is online and lists the capability the
// request belongs to, and once more after a hello when the peer restarted
// and forgot ours (§6.1). Errors are as the REST API answers them.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/uid.h"
#include "p2p/link.h"
#include "p2p/peer_link.h"
#include "peers/peer_network.h"
#include "peers/peer_service.h"

namespace rocd::peers {

class PeerRequests {
public:
    using Sent = std::function<void(Result<p2p::Message>)>;

    PeerRequests(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network);
    ~PeerRequests();

    /// Sends `type` to `peer`; `sent` gets the reply, or the REST error of
    /// why there is none (untrusted, offline, no `capability`, its `error`).
    void send(const Uid& peer, std::string_view capability, std::string type, nlohmann::json body,
              std::chrono::milliseconds timeout, Sent sent);

    /// The link to a trusted peer that is online and lists `capability`;
    /// why not otherwise (naming the field `peer`).
    Result<p2p::PeerLink*> link_to(const Uid& peer, std::string_view capability);

private:
    void send(const Uid& peer, std::string capability, std::string type, nlohmann::json body,
              std::chrono::milliseconds timeout, Sent sent, bool retried);

    boost::asio::io_context& io_;
    PeerService& peers_;
    PeerNetwork& network_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

/// What a REST client is answered for a request that got `error` (§7.2):
/// the peer's problem (type, detail, field) when it sent a sound one, or
/// §15's mapping of the code.
Error rest_error_of(const p2p::RequestError& error, const std::string& peer);

} // namespace rocd::peers
