// Host names of stream addresses, resolved without making the control
// thread wait.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "core/done.h"
#include "transport/address/socket_address.h"

namespace rocd::streams {

/// Runs each lookup (getaddrinfo, which may wait seconds for a name server)
/// on a thread of its own and answers on the control thread, at the latest
/// when the deadline passes.
///
/// Why not Asio's resolver: its lookups run on one private thread that
/// joins when the io_context goes, so a name server that never answers
/// would hold the daemon's exit for as long as glibc retries. A detached
/// thread is left to finish on its own; its late answer is dropped.
class HostResolver {
public:
    /// `deadline`: how long a lookup may take; `max_lookups`: how many may be
    /// in flight at once (threads still waiting on a name server count).
    HostResolver(boost::asio::io_context& io, std::chrono::milliseconds deadline, std::size_t max_lookups);
    ~HostResolver();

    HostResolver(const HostResolver&) = delete;
    HostResolver& operator=(const HostResolver&) = delete;

    /// The first address of `host` for UDP (port 0). `done` runs on the
    /// io_context's thread, never inside this call: the address;
    /// Errc::invalid_argument when the name does not resolve;
    /// Errc::timed_out when there is no answer by the deadline;
    /// Errc::unavailable when too many lookups are in flight.
    void resolve(const std::string& host, Done<transport::address::SocketAddress> done);

    std::chrono::milliseconds deadline() const { return deadline_; }

private:
    struct Shared;
    struct Lookup;

    void finish(std::uint64_t id, Result<transport::address::SocketAddress> result);
    void answer_later(std::uint64_t id, Error error);
    static void deliver(const std::shared_ptr<Shared>& shared, std::uint64_t id,
                        Result<transport::address::SocketAddress> result, bool from_thread);

    boost::asio::io_context& io_;
    const std::chrono::milliseconds deadline_;
    const std::size_t max_lookups_;
    /// Threads still in getaddrinfo, answered or not.
    std::size_t in_flight_ = 0;
    std::uint64_t next_id_ = 1;
    /// Lookups not answered yet. The threads know only their id, so that
    /// nothing tied to the io_context outlives it in a late thread.
    std::map<std::uint64_t, std::unique_ptr<Lookup>> waiting_;
    std::shared_ptr<Shared> shared_;
};

} // namespace rocd::streams
