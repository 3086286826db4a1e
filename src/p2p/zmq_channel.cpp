#include "p2p/zmq_channel.h"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <zmq_addon.hpp>

namespace rocd::p2p {

ZmqChannel::ZmqChannel(boost::asio::io_context& io, zmq::socket_t socket, Handler on_message)
    : io_(io), socket_(std::move(socket)), fd_(io, ::dup(socket_.get(zmq::sockopt::fd))),
      on_message_(std::move(on_message)) {
    // The descriptor is a dup of ZeroMQ's: Asio closes its own copy, never
    // the socket's. Messages may already wait (the edge has passed).
    boost::asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
        if (alive.lock()) {
            drain();
            wait();
        }
    });
}

ZmqChannel::~ZmqChannel() {
    *alive_ = false;
}

void ZmqChannel::wait() {
    fd_.async_wait(boost::asio::posix::descriptor_base::wait_read,
                   [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
                       if (ec || !alive.lock()) {
                           return;
                       }
                       drain();
                       if (alive.lock()) {
                           wait();
                       }
                   });
}

void ZmqChannel::drain() {
    const std::weak_ptr<bool> alive = alive_;
    while (alive.lock() && (socket_.get(zmq::sockopt::events) & ZMQ_POLLIN) != 0) {
        Frames frames;
        if (!zmq::recv_multipart(socket_, std::back_inserter(frames), zmq::recv_flags::dontwait)) {
            break;
        }
        on_message_(frames); // may destroy this channel: `alive` says so
    }
}

bool ZmqChannel::send(Frames frames) {
    bool sent = false;
    try {
        sent = zmq::send_multipart(socket_, frames, zmq::send_flags::dontwait).has_value();
    } catch (const zmq::error_t&) {
        sent = false; // EHOSTUNREACH under ROUTER_MANDATORY: no such connection
    }
    // The send may have taken the edge that announced a message: look again
    // once the caller is done.
    if (!drain_posted_) {
        drain_posted_ = true;
        boost::asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
            if (alive.lock()) {
                drain_posted_ = false;
                drain();
            }
        });
    }
    return sent;
}

} // namespace rocd::p2p
