#include "peers/peer_requests.h"

#include <algorithm>

#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

namespace rocd::peers {

namespace {

/// The kind of error a peer's problem says, by its HTTP status (the one
/// field of RFC 9457 every problem has).
std::optional<Errc> errc_of_status(int status) {
    switch (status) {
    case 400:
        return Errc::invalid_argument;
    case 404:
        return Errc::not_found;
    case 409:
        return Errc::conflict;
    case 422:
        return Errc::unsupported;
    case 429:
        return Errc::limit_reached;
    case 503:
        return Errc::unavailable;
    case 504:
        return Errc::timed_out;
    case 410:
        return Errc::gone;
    case 500:
        return Errc::internal;
    default:
        return std::nullopt;
    }
}

/// §15's last column.
Errc errc_of_code(p2p::ErrorCode code) {
    switch (code) {
    case p2p::ErrorCode::unsupported_version:
    case p2p::ErrorCode::unknown_type:
        return Errc::unsupported;
    case p2p::ErrorCode::hello_required:
    case p2p::ErrorCode::untrusted:
    case p2p::ErrorCode::key_mismatch:
    case p2p::ErrorCode::unavailable:
        return Errc::unavailable;
    case p2p::ErrorCode::invalid_argument:
        return Errc::invalid_argument;
    case p2p::ErrorCode::not_found:
        return Errc::not_found;
    case p2p::ErrorCode::conflict:
        return Errc::conflict;
    case p2p::ErrorCode::timeout:
        return Errc::timed_out;
    case p2p::ErrorCode::busy:
        return Errc::limit_reached;
    case p2p::ErrorCode::gone:
        return Errc::gone;
    case p2p::ErrorCode::malformed:
    case p2p::ErrorCode::internal:
        break;
    }
    return Errc::internal;
}

std::string text_of(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

} // namespace

Error rest_error_of(const p2p::RequestError& error, const std::string& peer) {
    if (error.code == p2p::ErrorCode::timeout && error.problem.is_null()) {
        // Ours or the peer's deadline: either way nobody knows whether it happened.
        return {Errc::timed_out,
                "peer " + peer +
                    " did not answer in time; the outcome is unknown (its ports "
                    "will show it if the change happened)",
                {}};
    }
    if (error.problem.is_object()) {
        auto status = error.problem.find("status");
        const auto errc = status != error.problem.end() && status->is_number_integer()
                              ? errc_of_status(status->get<int>())
                              : std::nullopt;
        const std::string detail = text_of(error.problem, "detail");
        if (errc && !detail.empty()) {
            return {*errc, detail, text_of(error.problem, "field")};
        }
    }
    const Errc errc = errc_of_code(error.code);
    if (errc == Errc::internal) {
        spdlog::warn("peers: {} answered {}: {}", peer, p2p::to_string(error.code), error.detail);
    }
    return {errc, "peer " + peer + ": " + error.detail, {}};
}

PeerRequests::PeerRequests(boost::asio::io_context& io, PeerService& peers, PeerNetwork& network)
    : io_(io), peers_(peers), network_(network) {}

PeerRequests::~PeerRequests() {
    *alive_ = false;
}

Result<p2p::PeerLink*> PeerRequests::link_to(const Uid& uid, std::string_view capability) {
    auto peer = peers_.get(PeerRef::of(uid));
    if (!peer) {
        return tl::unexpected(peer.error());
    }
    if (peer->trust != PeerTrust::trusted) {
        return fail(Errc::unavailable, "peer " + uid.str() + " is not trusted: pair with it first", "peer");
    }
    auto key = peers_.key_of(uid);
    p2p::PeerLink* link = key ? network_.link(*key) : nullptr;
    const PeerState state = link != nullptr ? link->state() : PeerState::offline;
    if (state == PeerState::incompatible) {
        return fail(Errc::unsupported,
                    "peer " + uid.str() + " speaks no version of the peer protocol in common", "peer");
    }
    if (state != PeerState::online || !link->hello()) {
        return fail(Errc::unavailable,
                    "peer " + uid.str() + " is " +
                        std::string(to_string(peer->state.value_or(PeerState::offline))),
                    "peer");
    }
    const auto& capabilities = link->hello()->capabilities;
    if (std::find(capabilities.begin(), capabilities.end(), capability) == capabilities.end()) {
        return fail(Errc::unsupported,
                    "peer " + uid.str() + " does not serve '" + std::string(capability) + "' requests",
                    "peer");
    }
    return link;
}

void PeerRequests::send(const Uid& peer, std::string_view capability, std::string type, nlohmann::json body,
                        std::chrono::milliseconds timeout, Sent sent) {
    send(peer, std::string(capability), std::move(type), std::move(body), timeout, std::move(sent), false);
}

void PeerRequests::send(const Uid& peer, std::string capability, std::string type, nlohmann::json body,
                        std::chrono::milliseconds timeout, Sent sent, bool retried) {
    auto link = link_to(peer, capability);
    if (!link) {
        return sent(tl::unexpected(link.error()));
    }
    auto retry = [this, peer, capability, type, body, timeout, sent](p2p::PeerLink& link) {
        // The peer restarted and forgot our hello (§6.1): hello, then once more.
        link.say_hello_again();
        auto timer = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds(200));
        timer->async_wait([this, timer, peer, capability, type, body, timeout, sent,
                           alive = std::weak_ptr<bool>(alive_)](auto ec) {
            if (!ec && alive.lock()) {
                send(peer, capability, type, body, timeout, sent, true);
            }
        });
    };
    (*link)->link().request(type, body, timeout,
                            [this, peer, capability, retried, retry, sent,
                             alive = std::weak_ptr<bool>(alive_)](p2p::Link::Reply reply) {
                                if (!alive.lock()) {
                                    return;
                                }
                                if (reply) {
                                    return sent(std::move(*reply));
                                }
                                if (reply.error().code == p2p::ErrorCode::hello_required && !retried) {
                                    if (auto again = link_to(peer, capability)) {
                                        return retry(**again);
                                    }
                                }
                                sent(tl::unexpected(rest_error_of(reply.error(), peer.str())));
                            });
}

} // namespace rocd::peers
