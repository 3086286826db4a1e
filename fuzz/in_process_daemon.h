// The daemon without its socket: the mock driver, a state directory in
// memory (/dev/shm), the control plane and its router, and the access
// policy of an open loopback API. A harness hands it parsed requests and
// gets the responses the server would write.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>

#include "api/http/access_policy.h"
#include "api/http/router.h"
#include "config/config.h"
#include "daemon/control_plane.h"
#include "drivers/device_driver.h"
#include "store/store.h"
#include "support/temp_dir.h"
#include "transport/net/network_loop.h"

namespace rocd::fuzz {

class InProcessDaemon {
public:
    /// Aborts if the daemon cannot start (the harness is broken, not the input).
    InProcessDaemon();
    ~InProcessDaemon();

    /// What the server answers to `request` from 127.0.0.1, once the route
    /// has answered (asynchronous routes run the control plane until they
    /// do; one that never answers aborts: a hung request is a bug).
    api::Response serve(const api::Request& request);

    /// Deletes the streams and virtual ports requests created, so that
    /// every input starts from the same ports and no streams.
    void reset();

    /// Stops the control plane, closes the state and opens both again, as a
    /// daemon restart would: the state file is checked and what is stored
    /// is read back. The error of a start that fails (a state file it
    /// refuses); the daemon then runs without state or control plane until
    /// the next restart().
    Status restart();

    /// The state database file, for a harness to write rows a request
    /// never could (through a connection of its own).
    std::filesystem::path database_path() const;

    boost::asio::io_context& io() { return io_; }
    const Uid& self_uid() const { return *self_uid_; }

private:
    test::TempDir state_;
    config::Config config_;
    boost::asio::io_context io_ {1};
    std::unique_ptr<drivers::DeviceDriver> driver_;
    std::unique_ptr<transport::net::NetworkLoop> network_;
    std::optional<store::Store> store_;
    std::optional<Uid> self_uid_; // kept while a refused start leaves no store
    std::unique_ptr<daemon::ControlPlane> plane_;
    std::optional<api::Router> router_;
    api::AccessPolicy access_ {"", {}};
    std::set<Uid> baseline_ports_;
    std::set<std::string> baseline_devices_;
};

} // namespace rocd::fuzz
