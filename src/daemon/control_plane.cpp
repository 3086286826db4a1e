#include "daemon/control_plane.h"

#include <optional>

#include <boost/asio/executor_work_guard.hpp>
#include <spdlog/spdlog.h>

#include "api/representation/peer_json.h"
#include "api/representation/port_json.h"
#include "api/representation/stream_json.h"
#include "api/routes/admin.h"
#include "api/routes/cross_peer_streams.h"
#include "api/routes/cross_peer_view.h"
#include "api/routes/docs.h"
#include "api/routes/event_stream.h"
#include "api/routes/events.h"
#include "api/routes/peers.h"
#include "api/routes/port_requests.h"
#include "api/routes/ports.h"
#include "api/routes/stream_requests.h"
#include "api/routes/streams.h"
#include "core/uri.h"
#include "core/version.h"
#include "daemon/event_wiring.h"

namespace rocd::daemon {

namespace {

// Runs the control plane until the ports are listed (stored virtual devices
// re-created), which the streams need before they restore. Nothing else is
// on the io_context yet: the server accepts later.
Status start_ports(boost::asio::io_context& io, ports::PortService& ports) {
    std::optional<Status> started;
    // A context that ran out of work before (a restart in the same process)
    // is stopped, and run_one() would return at once, forever.
    io.restart();
    auto busy = boost::asio::make_work_guard(io);
    ports.start([&started](Status status) { started = std::move(status); });
    while (!started) {
        io.run_one();
    }
    // Releasing the guard with no other work left marks the context
    // stopped; the daemon's run() needs it running.
    busy.reset();
    io.restart();
    return *started;
}

streams::StreamServiceOptions stream_options(const config::Config& config) {
    streams::StreamServiceOptions options;
    options.max_streams = config.max_streams;
    options.max_sessions_per_stream = config.max_sessions_per_stream;
    options.pump_priority = config.audio_priority;
    return options;
}

// 1000 event ids per millisecond of wall clock: more than the daemon publishes.
std::uint64_t first_event_id(std::chrono::system_clock::time_point started_at) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(started_at.time_since_epoch()).count();
    return static_cast<std::uint64_t>(ms) * 1000;
}

} // namespace

ControlPlane::ControlPlane(boost::asio::io_context& io, const config::Config& config,
                           drivers::DeviceDriver& driver, transport::net::NetworkLoop& network,
                           store::Store& store, const api::DaemonInfo& info, p2p::Identity identity)
    : io_(io), config_(config), info_(info), identity_(std::move(identity)),
      stream_stops_(store.stream_stops()), bus_(4096, first_event_id(info.started_at), api::sse_event),
      peers_(store.peers(), store.self_uid(), identity_.peer_key()),
      ports_(io, driver, store.ports(), store.self_uid()),
      streams_(io, ports_, driver, store.streams(), api::stream_spec_codec(), network,
               stream_options(config)),
      references_(store.stream_references()) {
    // Before anything starts, so that no change is missed.
    wire_events(bus_, peers_);
    wire_events(bus_, ports_);
    wire_events(bus_, streams_);
    recheck_coordinated_ = wire_events(bus_, references_, [this](const streams::StreamReference& reference) {
        return api::coordinated_json(reference, stream_mirror_.get());
    });
    // A cross-peer stream waits for its other peer while that one is not
    // online and trusted (docs/p2p.md §20.7).
    peers_.add_listener([this](peers::PeerService::Change change, const Peer& peer) {
        streams_.set_peer_online(peer.uid, change != peers::PeerService::Change::removed &&
                                               peer.trust == PeerTrust::trusted &&
                                               peer.state == PeerState::online);
        recheck_coordinated_();
    });
    metrics_events_ = std::make_unique<MetricsEvents>(io, bus_, [this] {
        std::vector<MetricsEvents::Figures> out;
        for (const auto& stream : streams_.list()) {
            out.push_back({events::type::stream_metrics, Uri::stream(stream.uid).str(),
                           api::shown_stream(stream, peers_.self_uid(), stream_mirror_.get())});
        }
        for (const auto& reference : references_.list()) {
            out.push_back({events::type::stream_metrics, Uri::stream(reference.uid).str(),
                           api::coordinated_json(reference, stream_mirror_.get())});
        }
        if (auto peers = peers_.list()) {
            for (const auto& peer : *peers) {
                if (peer.rtt_ms) { // a round trip moves without a peer event
                    out.push_back({events::type::peer_metrics, Uri::peer(PeerRef::of(peer.uid)).str(),
                                   api::peer_json(peer)});
                }
            }
        }
        return out;
    });
    // A new display name reaches the other peers with a new hello (§6.1).
    peers_.add_listener([this](peers::PeerService::Change, const Peer& peer) {
        if (peer.is_self && network_) {
            network_->say_hello_again();
        }
    });
}

Result<std::unique_ptr<ControlPlane>>
ControlPlane::start(boost::asio::io_context& io, const config::Config& config, drivers::DeviceDriver& driver,
                    transport::net::NetworkLoop& network, store::Store& store, const api::DaemonInfo& info) {
    auto identity = p2p::Identity::load_or_create(store.directory());
    if (!identity) {
        return tl::unexpected(identity.error());
    }
    std::unique_ptr<ControlPlane> plane(
        new ControlPlane(io, config, driver, network, store, info, std::move(*identity)));
    if (auto status = plane->start_peer_protocol(); !status) {
        return tl::unexpected(status.error());
    }
    if (auto status = start_ports(io, plane->ports_); !status) {
        return tl::unexpected(status.error());
    }
    if (auto status = plane->streams_.start(); !status) {
        return tl::unexpected(status.error());
    }
    if (auto status = plane->references_.start(); !status) {
        return tl::unexpected(status.error());
    }
    return plane;
}

Status ControlPlane::start_peer_protocol() {
    if (!config_.p2p_listen) {
        spdlog::info("peer protocol off (p2p_listen: off)");
        peers_.attach(nullptr, {});
        return {};
    }
    peers::PeerNetwork::Options options;
    options.endpoint = "tcp://" + config_.p2p_listen->str();
    options.self_hello = [this] {
        auto self = peers_.get(PeerRef::self());
        std::vector<std::string> capabilities {"ports", std::string(peers::RemoteStreams::capability)};
        if (fleet_) {
            capabilities.emplace_back(peers::Fleet::capability);
        }
        return p2p::Hello {.versions = {},
                           .capabilities = std::move(capabilities),
                           .peer_uid = peers_.self_uid(),
                           .display_name = self ? self->display_name : "",
                           .daemon_version = std::string(version),
                           .p2p_port = network_ ? network_->port() : 0,
                           .nonce = {}};
    };
    peers::PeerNetwork::Events events;
    events.trust_of = [this](const p2p::RawKey& key) { return peers_.trust_of(key); };
    events.on_hello = [this](const p2p::RawKey& key, const p2p::Hello& hello, const std::string& address) {
        peers_.on_hello(key, hello, address);
    };
    events.on_link_state = [this](const p2p::RawKey& key, PeerState state) {
        peers_.on_link_state(key, state);
        if (fleet_) {
            fleet_->on_link_state(key, state);
        }
        if (auto peer = peers_.peer_of(key); peer && state == PeerState::online && remote_streams_) {
            remote_streams_->on_online(*peer);
            api::reopen_receivers(streams_, *remote_streams_, peers_.self_uid(), *peer);
        }
    };
    events.on_message = [this](const p2p::Inbound& in) {
        if (in.message.type.starts_with("pair_") && pairings_) {
            return pairings_->on_message(in);
        }
        if (in.message.type == "secret_proof" && fleet_) {
            return fleet_->on_proof(in);
        }
        if (api::is_port_request(in.message.type)) {
            return api::serve_port_request(ports_, in.message, [this, in](p2p::Message reply) {
                if (network_) {
                    network_->listener().reply(in, reply);
                }
            });
        }
        if (api::is_stream_request(in.message.type)) {
            auto asker = peers_.peer_of(in.key);
            if (!asker) {
                network_->listener().reply(in, p2p::error_reply(in.message, p2p::ErrorCode::untrusted,
                                                                "who is asking is not known here"));
                return;
            }
            return api::serve_stream_request(streams_, remote_streams_.get(), peers_.self_uid(),
                                             {*asker, in.address}, in.message,
                                             [this, in](p2p::Message reply) {
                                                 if (network_) {
                                                     network_->listener().reply(in, reply);
                                                 }
                                             });
        }
        if ((in.message.type == "subscribe" || in.message.type == "unsubscribe") && publisher_) {
            return peers::serve_subscription(network_->listener(), in,
                                             {publisher_.get(), &stream_publication_->publisher()});
        }
        if (p2p::kind_of(in.message.type) == p2p::MessageKind::request) {
            // A capability this rocd does not list (`fleet` without a
            // network_secret).
            network_->listener().reply(
                in, p2p::error_reply(in.message, p2p::ErrorCode::unavailable,
                                     "this rocd does not serve " + in.message.type + " yet"));
        }
    };
    events.on_one_way = [this](const p2p::RawKey& key, const p2p::Message& message) {
        if (auto peer = peers_.peer_of(key); peer && mirror_) {
            mirror_->on_one_way(*peer, message);
            stream_mirror_->on_one_way(*peer, message);
        }
    };
    events.on_ping_reply = [this](const p2p::RawKey& key, const nlohmann::json& subscriptions) {
        if (auto peer = peers_.peer_of(key); peer && mirror_) {
            mirror_->on_subscriptions(*peer, subscriptions);
            stream_mirror_->on_subscriptions(*peer, subscriptions);
        }
    };
    events.subscriptions = [this](const p2p::RawKey& key) {
        return publisher_
                   ? peers::subscriptions_of(key, {publisher_.get(), &stream_publication_->publisher()})
                   : nlohmann::json::object();
    };
    auto network = peers::PeerNetwork::start(io_, identity_, std::move(options), std::move(events));
    if (!network) {
        return tl::unexpected(network.error());
    }
    network_ = std::move(*network);
    pairings_ = std::make_unique<peers::Pairings>(io_, peers_, *network_, identity_);
    if (!config_.network_secret.empty()) {
        fleet_ = std::make_unique<peers::Fleet>(io_, peers_, *network_, identity_,
                                                peers::Fleet::Options {.secret = config_.network_secret});
        spdlog::info("peer protocol: network_secret set; peers that prove it are trusted");
    }
    if (config_.trust_on_first_use) {
        spdlog::warn("peer protocol: trust_on_first_use is ON: every new key that says hello is trusted, "
                     "with no person and no secret involved; use it in labs only");
        peers_.set_trust_on_first_use(true);
    }
    publisher_ = std::make_unique<peers::TopicPublisher>(network_->listener(), "ports", "port", [this] {
        nlohmann::json ports = nlohmann::json::array();
        for (const auto& port : ports_.list()) {
            ports.push_back(api::port_json(port));
        }
        return ports;
    });
    ports_.add_listener([this](ports::PortService::Change change, const Port& port) {
        publisher_->publish(api::port_event_type(change), api::port_json(port));
    });
    stream_publication_ = std::make_unique<StreamPublication>(io_, network_->listener(), streams_);
    mirror_ = std::make_unique<peers::PortMirror>(io_, *network_, "ports", "port", api::parse_port);
    stream_mirror_ = std::make_unique<peers::StreamMirror>(
        io_, *network_, "streams", "stream", [](const nlohmann::json& json, const Uid& peer) {
            return api::parse_remote_half(json, peer).map([](nlohmann::json half) {
                auto uid = *Uid::parse(half["stream_uid"].get<std::string>());
                return peers::RemoteHalf {uid, std::move(half)};
            });
        });
    stream_mirror_->add_listener(
        [this](const std::string&, const peers::RemoteHalf&) { recheck_coordinated_(); });
    remote_ports_ = std::make_unique<peers::RemotePorts>(io_, peers_, *network_, api::parse_port);
    remote_streams_ = std::make_unique<peers::RemoteStreams>(io_, peers_, *network_, stream_stops_);
    wire_events(bus_, *mirror_);
    peers_.add_listener([this](peers::PeerService::Change, const Peer& peer) {
        mirror_->on_peer(peer, peers_.key_of(peer.uid));
        stream_mirror_->on_peer(peer, peers_.key_of(peer.uid));
    });
    config::ListenAddress bound = *config_.p2p_listen;
    bound.port = network_->port();
    spdlog::info("peer protocol on {} (key fingerprint {})", bound.str(), identity_.peer_key().fingerprint);
    peers_.attach(network_.get(), {bound.str()});
    if (config_.discovery == config::Discovery::off) {
        // §16.3: only stored trusted peers (dialed by attach) and whoever connects.
        if (!config_.peers.empty()) {
            spdlog::info("discovery off: the {} peers of the config are not dialed", config_.peers.size());
        }
        return {};
    }
    for (const auto& peer : config_.peers) {
        if (peer.public_key.empty()) {
            spdlog::warn("peer {} (config): no public_key, so it cannot be dialed; give the key its GET "
                         "/peers/self shows",
                         peer.address);
            continue;
        }
        if (auto dialed = peers_.add_static(peer.address, peer.public_key); !dialed) {
            return fail(Errc::invalid_argument,
                        "peer " + peer.address + " (config): " + dialed.error().message, "peers");
        }
    }
    if (config_.discovery == config::Discovery::dns_sd) {
        start_dns_sd();
    }
    return {};
}

void ControlPlane::start_dns_sd() {
    proposals_ = std::make_unique<peers::Proposals>(peers_, *network_);
    auto self = peers_.get(PeerRef::self());
    discovery::DnsSd::Self announced {.uid = peers_.self_uid(),
                                      .public_key = identity_.public_key(),
                                      .versions = {},
                                      .display_name = self ? self->display_name : "",
                                      .port = network_->port()};
    dns_sd_ =
        discovery::DnsSd::start(io_, std::move(announced), [this](const discovery::DnsSd::Found& found) {
            proposals_->propose(found.announcement.uid, found.announcement.public_key, found.address);
        });
}

Status ControlPlane::add_routes(api::Router& router, const std::filesystem::path& data_dir) {
    api::add_status_routes(router, info_);
    api::add_peer_routes(router, peers_, pairings_.get());
    api::add_port_routes(router, peers_, ports_, mirror_.get(), remote_ports_.get());
    api::add_stream_routes(router, {.streams = streams_,
                                    .references = references_,
                                    .self = peers_.self_uid(),
                                    .remote = remote_streams_.get(),
                                    .mirror = stream_mirror_.get()});
    api::add_event_routes(
        router, io_, bus_,
        {config_.event_heartbeat, config_.event_queue_limit, config_.max_event_clients, info_.peer_uid});
    api::add_admin_routes(router, data_dir);
    return api::add_docs_routes(router, data_dir);
}

} // namespace rocd::daemon
