#include "fuzz/in_process_daemon.h"

#include <cstdio>
#include <cstdlib>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "daemon/driver_factory.h"
#include "support/await.h"

namespace rocd::fuzz {

namespace {

template <class T> T started(Result<T> result, const char* what) {
    if (!result) {
        std::fprintf(stderr, "fuzz: cannot start the %s: %s\n", what, result.error().message.c_str());
        std::abort();
    }
    return std::move(*result);
}

} // namespace

InProcessDaemon::InProcessDaemon() : state_("rocd-fuzz", "/dev/shm") {
    // What the daemon logs is not under test, and a line per request would
    // cost more than the request.
    spdlog::set_level(spdlog::level::off);
    config_.driver = "mock";
    config_.p2p_listen.reset(); // the harnesses reach no peer
    config_.discovery = config::Discovery::off;

    config_.state_dir = state_.path();
    driver_ = started(daemon::make_driver("mock", {}), "mock driver");
    network_ = started(transport::net::NetworkLoop::create(), "network loop");
    if (auto status = restart(); !status) {
        std::fprintf(stderr, "fuzz: cannot start the control plane: %s\n", status.error().message.c_str());
        std::abort();
    }
    for (const auto& port : plane_->ports().list()) {
        baseline_ports_.insert(port.uid);
    }
    for (const auto& device : driver_->devices()) {
        baseline_devices_.insert(device.name);
    }
}

InProcessDaemon::~InProcessDaemon() {
    reset();
    plane_.reset();
}

Status InProcessDaemon::restart() {
    plane_.reset();
    router_.emplace();
    io_.restart();
    io_.poll(); // what the old services left posted
    store_.reset();
    auto store = store::Store::open(config_.state_dir);
    if (!store) {
        return tl::unexpected(store.error());
    }
    store_.emplace(std::move(*store));
    self_uid_ = store_->self_uid();
    const api::DaemonInfo info {"mock", store_->self_uid(), std::chrono::system_clock::now(),
                                std::chrono::steady_clock::now()};
    auto plane = daemon::ControlPlane::start(io_, config_, *driver_, *network_, *store_, info);
    if (!plane) {
        return tl::unexpected(plane.error());
    }
    plane_ = std::move(*plane);
    return plane_->add_routes(*router_, ROCD_FUZZ_DATA_DIR);
}

api::Response InProcessDaemon::serve(const api::Request& request) {
    if (auto preflight = access_.preflight(request)) {
        return std::move(*preflight);
    }
    if (auto refusal = access_.authorize(request, "127.0.0.1:40000")) {
        return std::move(*refusal);
    }
    api::Reply reply = router_->dispatch(request);
    access_.expose(request, reply);
    if (!reply.later) {
        return std::move(reply.response); // complete, or the header of an event stream
    }
    auto answer = test::await<api::Response>(
        io_, [&](auto done) { reply.later([done](api::Response response) { done(std::move(response)); }); });
    return std::move(*answer);
}

std::filesystem::path InProcessDaemon::database_path() const {
    return config_.state_dir / store::Store::database_file;
}

void InProcessDaemon::reset() {
    if (plane_) {
        auto& streams = plane_->streams();
        for (const auto& stream : streams.list()) {
            (void)test::await<void>(io_, [&](auto done) { streams.remove(stream.uid, std::move(done)); });
        }
        auto& ports = plane_->ports();
        for (const auto& port : ports.list()) {
            if (!baseline_ports_.contains(port.uid)) {
                (void)test::await<void>(io_, [&](auto done) { ports.remove(port.uid, std::move(done)); });
            }
        }
    }
    // Devices no port owns any more (re-created from a row that did not
    // describe a port this daemon could list).
    for (const auto& device : driver_->devices()) {
        if (!baseline_devices_.contains(device.name)) {
            // The driver completes on its own thread: hand the outcome to the control plane.
            (void)test::await<void>(io_, [&](auto done) {
                driver_->destroy_virtual_device(device.name, [this, done](Status status) {
                    boost::asio::post(io_, [done, status] { done(status); });
                });
            });
        }
    }
    // What the removals posted (device I/O closing, events) runs now.
    io_.restart();
    io_.poll();
}

} // namespace rocd::fuzz
