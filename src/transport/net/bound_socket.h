// A bound UDP socket owned by value: the one way the transport binds a
// receiving port. Being a value, it can be handed from one receiver to the
// next, so that a change of a stream's settings never lets go of its ports
// (between a close and a new bind, any process may take them).
#pragma once

#include "core/error.h"
#include "transport/address/socket_address.h"

namespace rocd::transport::net {

class BoundSocket {
public:
    /// A non-blocking socket bound to `address` (port 0 picks one; see
    /// local_address()). No SO_REUSEADDR: two receivers silently sharing a
    /// port would split its traffic (and with port 0 the kernel may even hand
    /// out a shared one).
    static Result<BoundSocket> bind(const address::SocketAddress& address);

    BoundSocket(BoundSocket&& other) noexcept;
    BoundSocket& operator=(BoundSocket&& other) noexcept;
    BoundSocket(const BoundSocket&) = delete;
    BoundSocket& operator=(const BoundSocket&) = delete;
    ~BoundSocket();

    int fd() const { return fd_; }
    const address::SocketAddress& local_address() const { return local_; }
    /// Whether a receiver that asks for `wanted` may take this socket: the
    /// same address, or port 0 (any port) on the same host address.
    bool serves(const address::SocketAddress& wanted) const;

private:
    BoundSocket() = default;

    int fd_ = -1;
    address::SocketAddress local_;
};

} // namespace rocd::transport::net
