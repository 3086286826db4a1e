// The two kinds of peer-protocol socket with the options of docs/p2p.md
// §4.1, made in one place for the listener, the links and their tests.
#pragma once

#include <string>

#include <zmq.hpp>

#include "p2p/identity.h"

namespace rocd::p2p {

/// A ROUTER, CURVE server with this daemon's key, every client through ZAP
/// (domain "rocd"), ROUTER_MANDATORY; not bound yet.
zmq::socket_t router_socket(zmq::context_t& context, const Identity& self);

/// A DEALER, CURVE client of `server_key` with this daemon's keys, that
/// reconnects by itself (100 ms to 2 s) and queues nothing while no
/// connection is up (ZMQ_IMMEDIATE); connected to `endpoint`.
zmq::socket_t dealer_socket(zmq::context_t& context, const Identity& self, const RawKey& server_key,
                            const std::string& endpoint);

} // namespace rocd::p2p
