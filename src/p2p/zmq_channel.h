// A ZeroMQ socket on the control plane's io_context (docs/p2p.md §19):
// Asio watches the socket's ZMQ_FD and, on every wake-up and after every
// send, the channel drains ZMQ_EVENTS, because that descriptor signals
// edges only: a send may consume the edge that announced a waiting
// message. Nothing here blocks: every send is ZMQ_DONTWAIT.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <zmq.hpp>

namespace rocd::p2p {

/// The frames of one message, as ZeroMQ delivers them.
using Frames = std::vector<zmq::message_t>;

/// A frame's bytes (a message's JSON, a routing id) as a string.
inline std::string frame_text(const zmq::message_t& frame) {
    return std::string(static_cast<const char*>(frame.data()), frame.size());
}

class ZmqChannel {
public:
    /// Called on the control plane for each message received; it may send,
    /// and it may destroy the channel.
    using Handler = std::function<void(Frames& frames)>;

    ZmqChannel(boost::asio::io_context& io, zmq::socket_t socket, Handler on_message);
    ~ZmqChannel();
    ZmqChannel(const ZmqChannel&) = delete;
    ZmqChannel& operator=(const ZmqChannel&) = delete;

    zmq::socket_t& socket() { return socket_; }

    /// Queues the frames without waiting. False if they cannot be queued now
    /// (the peer's queue is full, or with ROUTER_MANDATORY the routing id
    /// names no connection): the caller decides what that means.
    bool send(Frames frames);

private:
    void wait();
    void drain();

    boost::asio::io_context& io_;
    zmq::socket_t socket_;
    boost::asio::posix::stream_descriptor fd_;
    Handler on_message_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    bool drain_posted_ = false;
};

} // namespace rocd::p2p
