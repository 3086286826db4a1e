#include "p2p/sockets.h"

#include "p2p/message.h"

namespace rocd::p2p {

namespace {

// What both ends set: nothing delays shutdown, bounded queues, a frame
// limit above the 1 MiB message limit (a CURVE frame is 33 bytes longer
// than its message), ZMTP heartbeats that close a dead connection in
// about 3 s, and a stalled handshake dropped after 3 s, not 30.
void set_common(zmq::socket_t& s) {
    s.set(zmq::sockopt::linger, 0);
    s.set(zmq::sockopt::sndhwm, 1000);
    s.set(zmq::sockopt::rcvhwm, 1000);
    s.set(zmq::sockopt::maxmsgsize, static_cast<int64_t>(max_message_size + 4096));
    s.set(zmq::sockopt::heartbeat_ivl, 1000);
    s.set(zmq::sockopt::heartbeat_timeout, 3000);
    s.set(zmq::sockopt::heartbeat_ttl, 3000);
    s.set(zmq::sockopt::handshake_ivl, 3000);
}

} // namespace

zmq::socket_t router_socket(zmq::context_t& context, const Identity& self) {
    zmq::socket_t s(context, zmq::socket_type::router);
    set_common(s);
    s.set(zmq::sockopt::curve_server, 1);
    s.set(zmq::sockopt::curve_secretkey, self.secret_key_z85());
    s.set(zmq::sockopt::zap_domain, "rocd");
    // An unroutable reply fails (EHOSTUNREACH) instead of vanishing.
    s.set(zmq::sockopt::router_mandatory, 1);
    return s;
}

zmq::socket_t dealer_socket(zmq::context_t& context, const Identity& self, const RawKey& server_key,
                            const std::string& endpoint) {
    zmq::socket_t s(context, zmq::socket_type::dealer);
    set_common(s);
    s.set(zmq::sockopt::curve_serverkey, z85_of(server_key));
    s.set(zmq::sockopt::curve_publickey, z85_of(self.public_key()));
    s.set(zmq::sockopt::curve_secretkey, self.secret_key_z85());
    s.set(zmq::sockopt::reconnect_ivl, 100);
    s.set(zmq::sockopt::reconnect_ivl_max, 2000);
    // A request made while nothing is connected fails at once (§7.2)
    // instead of waiting in a queue to arrive late.
    s.set(zmq::sockopt::immediate, 1);
    s.connect(endpoint);
    return s;
}

} // namespace rocd::p2p
