// An IPv4/IPv6 UDP address, trivially copyable so it can live inside packets.
#pragma once

#include <cstdint>
#include <string>

#include <netinet/in.h>
#include <sys/socket.h>

#include "core/error.h"

namespace rocd::transport::address {

/// A socket address (sockaddr_in or sockaddr_in6), or empty.
class SocketAddress {
public:
    SocketAddress() = default;

    /// A numeric IPv4 (dotted quad) or IPv6 host and a port; a name, or a
    /// legacy IPv4 form (`1.2.3`, `0x7f.0.0.1`), is an error. Never blocks.
    static Result<SocketAddress> numeric(const std::string& host, std::uint16_t port);
    /// Resolves a numeric or named host and a port. Blocks on the name
    /// server for a name: for command-line tools and threads that may wait
    /// (the daemon's streams::HostResolver), never on the control thread.
    static Result<SocketAddress> resolve(const std::string& host, std::uint16_t port);
    /// Wraps what recvfrom()/getsockname() returned.
    static SocketAddress from(const sockaddr* sa, socklen_t len);

    bool empty() const { return len_ == 0; }
    int family() const { return storage_.ss_family; }
    std::uint16_t port() const;
    const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage_); }
    socklen_t length() const { return len_; }

    /// "1.2.3.4:5" or "[::1]:5".
    std::string str() const;
    /// The address alone, numeric: "1.2.3.4" or "::1".
    std::string host() const;

    bool operator==(const SocketAddress& other) const;

private:
    sockaddr_storage storage_ {};
    socklen_t len_ = 0;
};

} // namespace rocd::transport::address
