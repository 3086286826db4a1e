#include "daemon/daemon.h"

#include <csignal>
#include <cstdio>
#include <optional>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "api/access_token.h"
#include "api/http/server.h"
#include "api/representation/stream_json.h"
#include "api/routes/docs.h"
#include "api/routes/events.h"
#include "api/routes/peers.h"
#include "api/routes/ports.h"
#include "api/routes/status.h"
#include "api/routes/streams.h"
#include "core/version.h"
#include "daemon/driver_factory.h"
#include "daemon/event_wiring.h"
#include "events/event_bus.h"
#include "peers/peer_service.h"
#include "ports/port_service.h"
#include "store/store.h"
#include "streams/stream_service.h"
#include "transport/net/network_loop.h"

namespace rocd::daemon {

namespace {

// SIGINT/SIGTERM: in-flight requests get this long to finish.
constexpr std::chrono::milliseconds drain_deadline {1500};

// Runs the control plane until the ports are listed (stored virtual devices
// re-created), which the streams need before they restore. Nothing else is
// on the io_context yet: the server accepts later.
Status start_ports(boost::asio::io_context& io, ports::PortService& ports) {
    std::optional<Status> started;
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

} // namespace

Status run(const config::Config& config, const std::filesystem::path& data_dir) {
    const auto started_at = std::chrono::system_clock::now();
    const auto started = std::chrono::steady_clock::now();

    // Nothing is written to the state directory until everything that can
    // refuse to start has been tried: address, TLS files, driver, network.
    auto token = api::load_access_token(config.state_dir);
    if (!token) {
        return tl::unexpected(token.error());
    }

    boost::asio::io_context io {1};
    api::Router router;
    api::ServerOptions options;
    options.host = config.listen.host;
    options.port = config.listen.port;
    options.max_connections = config.max_connections;
    options.max_connections_per_client = config.max_connections_per_client;
    options.max_requests_per_second = config.max_requests_per_second;
    options.header_timeout = config.header_timeout;
    options.idle_timeout = config.idle_timeout;
    options.cors_allowed_origins = config.cors_allowed_origins;
    options.tls_cert = config.tls_cert;
    options.tls_key = config.tls_key;
    options.token = token->value;
    options.token_on_loopback = config.require_token;
    api::Server server(io, router, options);
    if (auto status = server.listen(); !status) {
        return status;
    }

    drivers::DriverOptions driver_options;
    if (config.mock_fixture) {
        driver_options.fixture_path = config.mock_fixture->string();
    }
    auto driver = make_driver(config.driver, driver_options);
    if (!driver) {
        return tl::unexpected(driver.error());
    }
    // One network thread for every stream's sockets.
    auto network = transport::net::NetworkLoop::create();
    if (!network) {
        return tl::unexpected(network.error());
    }

    store::StoreOptions store_options;
    store_options.check =
        config.full_integrity_check ? store::IntegrityCheck::full : store::IntegrityCheck::quick;
    auto store = store::Store::open(config.state_dir, store_options);
    if (!store) {
        return tl::unexpected(store.error());
    }
    // The token exists from the first start, so that switching to a public
    // address later needs no extra step; it is only required off loopback.
    if (!token->stored) {
        if (auto stored = api::store_access_token(config.state_dir, token->value); !stored) {
            return stored;
        }
    }
    spdlog::info("driver {}: {} device(s)", (*driver)->name(), (*driver)->devices().size());

    // 1000 ids per millisecond of wall clock: more than the daemon publishes.
    const auto epoch_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(started_at.time_since_epoch()).count();
    events::EventBus bus(4096, static_cast<std::uint64_t>(epoch_ms) * 1000);
    peers::PeerService peers(store->peers(), store->self_uid());
    wire_events(bus, peers);
    ports::PortService ports(io, **driver, store->ports(), store->self_uid());
    wire_events(bus, ports);
    if (auto status = start_ports(io, ports); !status) {
        return status;
    }

    streams::StreamServiceOptions stream_options;
    stream_options.max_streams = config.max_streams;
    stream_options.max_sessions_per_stream = config.max_sessions_per_stream;
    streams::StreamService streams(io, ports, **driver, store->streams(), api::stream_spec_codec(), **network,
                                   stream_options);
    wire_events(bus, streams);
    if (auto status = streams.start(); !status) {
        return status;
    }

    const api::DaemonInfo info {config.driver, store->self_uid(), started_at, started};

    api::add_status_routes(router, info);
    api::add_peer_routes(router, peers);
    api::add_port_routes(router, peers, ports);
    api::add_stream_routes(router, streams);
    api::add_event_routes(
        router, io, bus,
        {config.event_heartbeat, config.event_queue_limit, config.max_event_clients, store->self_uid()});
    if (auto status = api::add_docs_routes(router, data_dir); !status) {
        return status;
    }

    server.accept();
    const auto endpoint = server.local_endpoint();
    const bool v6 = endpoint.address().is_v6();
    spdlog::info("rocd {} listening on {}://{}{}{}:{} (peer {}, driver {}, state {})", version,
                 config.tls_cert ? "https" : "http", v6 ? "[" : "", endpoint.address().to_string(),
                 v6 ? "]" : "", endpoint.port(), store->self_uid().str(), config.driver,
                 config.state_dir.string());
    if (server.requires_token()) {
        spdlog::info("API requires 'Authorization: Bearer <token>'; token file: {}",
                     (config.state_dir / api::access_token_file).string());
    }

    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    boost::asio::steady_timer deadline(io);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) {
            return;
        }
        spdlog::info("received {}, stopping", signal == SIGINT ? "SIGINT" : "SIGTERM");
        server.shutdown([&io] { io.stop(); });
        deadline.expires_after(drain_deadline);
        deadline.async_wait([&](const boost::system::error_code& timer_ec) {
            if (!timer_ec) {
                spdlog::warn("{} connection(s) still busy after {} ms; closing them",
                             server.connection_count(), drain_deadline.count());
                io.stop();
            }
        });
    });

    io.run();
    spdlog::info("stopped");
    return {};
}

} // namespace rocd::daemon
