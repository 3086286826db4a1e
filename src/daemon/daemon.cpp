#include "daemon/daemon.h"

#include <csignal>
#include <cstdio>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "api/access_token.h"
#include "api/http/server.h"
#include "core/version.h"
#include "daemon/control_plane.h"
#include "daemon/driver_factory.h"
#include "store/store.h"
#include "transport/net/network_loop.h"

namespace rocd::daemon {

namespace {

// SIGINT/SIGTERM: in-flight requests get this long to finish.
constexpr std::chrono::milliseconds drain_deadline {1500};

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

    const api::DaemonInfo info {config.driver, store->self_uid(), started_at, started};
    auto plane = ControlPlane::start(io, config, **driver, **network, *store, info);
    if (!plane) {
        return tl::unexpected(plane.error());
    }
    if (auto status = (*plane)->add_routes(router, data_dir); !status) {
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
