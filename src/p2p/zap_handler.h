// The ZAP handler (ZeroMQ RFC 27) of one ZeroMQ context, on the control
// plane: libzmq asks it about every CURVE client of a socket with a ZAP
// domain, and it answers with what `decide` says of the client's key
// (docs/p2p.md §4.3).
#pragma once

#include <functional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <zmq.hpp>

#include "p2p/identity.h"
#include "p2p/zmq_channel.h"

namespace rocd::p2p {

struct ZapVerdict {
    /// 200 admitted, 300 not now (the client retries), 400 refused for good.
    int status = 400;
    /// Given to every message of an admitted connection as "User-Id".
    std::string user_id;
};

class ZapHandler {
public:
    /// `address`: the client's IP address as libzmq reports it.
    using Decide = std::function<ZapVerdict(const RawKey& client_key, const std::string& address)>;

    /// Binds the context's ZAP endpoint; only one handler per context.
    ZapHandler(boost::asio::io_context& io, zmq::context_t& context, Decide decide);

    /// Requests answered; requests refused as malformed (not CURVE, a key
    /// that is not 32 bytes), which are answered 400.
    std::uint64_t answered() const { return answered_; }
    std::uint64_t malformed() const { return malformed_; }

private:
    void on_request(Frames& frames);

    Decide decide_;
    ZmqChannel channel_;
    std::uint64_t answered_ = 0;
    std::uint64_t malformed_ = 0;
};

} // namespace rocd::p2p
