#include "transport/address/socket_address.h"

#include <cstring>

#include <arpa/inet.h>
#include <netdb.h>

namespace rocd::transport::address {

Result<SocketAddress> SocketAddress::numeric(const std::string& host, std::uint16_t port) {
    // inet_pton, not getaddrinfo: only the RFC forms, never a lookup.
    sockaddr_in v4 {};
    if (::inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        return from(reinterpret_cast<const sockaddr*>(&v4), sizeof(v4));
    }
    sockaddr_in6 v6 {};
    if (::inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        return from(reinterpret_cast<const sockaddr*>(&v6), sizeof(v6));
    }
    return fail(Errc::invalid_argument, "'" + host + "' is not a numeric IP address");
}

Result<SocketAddress> SocketAddress::resolve(const std::string& host, std::uint16_t port) {
    addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* list = nullptr;
    const std::string service = std::to_string(port);
    const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &list);
    if (rc != 0 || list == nullptr) {
        return fail(Errc::invalid_argument, "cannot resolve host '" + host + "': " + gai_strerror(rc));
    }
    SocketAddress addr = from(list->ai_addr, list->ai_addrlen);
    freeaddrinfo(list);
    return addr;
}

SocketAddress SocketAddress::from(const sockaddr* sa, socklen_t len) {
    SocketAddress addr;
    if (sa == nullptr || len == 0 || len > sizeof(addr.storage_)) {
        return addr;
    }
    std::memcpy(&addr.storage_, sa, len);
    addr.len_ = len;
    return addr;
}

std::uint16_t SocketAddress::port() const {
    if (family() == AF_INET) {
        return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
    }
    if (family() == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
    }
    return 0;
}

std::string SocketAddress::host() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (family() == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof(buf));
    } else if (family() == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf, sizeof(buf));
    }
    return buf;
}

std::string SocketAddress::str() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (family() == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof(buf));
        return std::string(buf) + ":" + std::to_string(port());
    }
    if (family() == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf, sizeof(buf));
        return "[" + std::string(buf) + "]:" + std::to_string(port());
    }
    return "(none)";
}

bool SocketAddress::operator==(const SocketAddress& other) const {
    if (family() != other.family()) {
        return false;
    }
    if (family() == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&storage_);
        const auto* b = reinterpret_cast<const sockaddr_in*>(&other.storage_);
        return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
    }
    if (family() == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&storage_);
        const auto* b = reinterpret_cast<const sockaddr_in6*>(&other.storage_);
        return a->sin6_port == b->sin6_port &&
               std::memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(a->sin6_addr)) == 0;
    }
    return len_ == other.len_;
}

} // namespace rocd::transport::address
