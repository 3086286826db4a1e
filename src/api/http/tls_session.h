// A connection over TLS: a handshake before the first request, a TLS
// shutdown at the end.
#pragma once

#include <memory>

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "api/http/http_session.h"

namespace rocd::api {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

class TlsSession final : public HttpSession<TlsSession, TlsStream>,
                         public std::enable_shared_from_this<TlsSession> {
public:
    TlsSession(SessionHost& host, SessionTimeouts timeouts, boost::asio::ip::tcp::socket&& socket,
               boost::asio::ssl::context& tls);

    void run();

private:
    friend class HttpSession<TlsSession, TlsStream>;

    /// Half-closing is not possible under TLS: the connection just closes.
    void linger() { close(); }
    void close_transport();

    TlsStream stream_;
};

} // namespace rocd::api
