// A connection over plain TCP.
#pragma once

#include <memory>

#include <boost/beast/core/tcp_stream.hpp>

#include "api/http/http_session.h"

namespace rocd::api {

class PlainSession final : public HttpSession<PlainSession, boost::beast::tcp_stream>,
                           public std::enable_shared_from_this<PlainSession> {
public:
    PlainSession(SessionHost& host, SessionTimeouts timeouts, boost::asio::ip::tcp::socket&& socket);

    void run();

private:
    friend class HttpSession<PlainSession, boost::beast::tcp_stream>;

    // After an error answer that ends the connection (413, malformed
    // request), the client may still be sending its body. Closing with
    // unread data makes the kernel send a reset, and the client then loses
    // the answer it has not read yet. So the answer is followed by a
    // half-close, and what the client still sends is read and dropped,
    // within bounds, before closing.
    void linger();
    void drain();
    void close_transport();

    boost::beast::tcp_stream stream_;
};

} // namespace rocd::api
