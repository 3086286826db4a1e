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

    /// Resolves a numeric or named host and a port (numeric hosts never hit DNS).
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

    bool operator==(const SocketAddress& other) const;

private:
    sockaddr_storage storage_ {};
    socklen_t len_ = 0;
};

} // namespace rocd::transport::address
