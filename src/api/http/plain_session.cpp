#include "api/http/plain_session.h"

namespace rocd::api {

namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr std::chrono::milliseconds linger_timeout {1000};
constexpr std::size_t linger_limit = 16 * 1024 * 1024;

} // namespace

PlainSession::PlainSession(SessionHost& host, SessionTimeouts timeouts, tcp::socket&& socket)
    : HttpSession(host, timeouts, stream_), stream_(std::move(socket)) {
    beast::error_code ec;
    set_remote(stream_.socket().remote_endpoint(ec));
}

void PlainSession::run() {
    wait_request();
}

void PlainSession::linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
        return close();
    }
    stream_.expires_after(linger_timeout);
    drain();
}

void PlainSession::drain() {
    buffer_.consume(buffer_.size());
    stream_.async_read_some(buffer_.prepare(64 * 1024),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->lingered_ += n;
                                if (ec || self->lingered_ > linger_limit) {
                                    return self->close();
                                }
                                self->drain();
                            });
}

void PlainSession::close_transport() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
}

} // namespace rocd::api
