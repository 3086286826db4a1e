#include "api/http/tls_session.h"

#include <spdlog/spdlog.h>

namespace rocd::api {

namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

TlsSession::TlsSession(SessionHost& host, SessionTimeouts timeouts, tcp::socket&& socket,
                       boost::asio::ssl::context& tls)
    : HttpSession(host, timeouts, stream_), stream_(std::move(socket), tls) {
    beast::error_code ec;
    set_remote(beast::get_lowest_layer(stream_).socket().remote_endpoint(ec));
}

void TlsSession::run() {
    beast::get_lowest_layer(stream_).expires_after(timeouts_.header);
    stream_.async_handshake(
        boost::asio::ssl::stream_base::server, [self = shared_from_this()](beast::error_code ec) {
            if (ec) {
                spdlog::debug("http {}: TLS handshake failed: {}", self->peer(), ec.message());
                return self->close();
            }
            self->wait_request();
        });
}

void TlsSession::close_transport() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().close(ignored);
    });
}

} // namespace rocd::api
