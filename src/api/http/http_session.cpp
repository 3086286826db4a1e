#include "api/http/http_session.h"

#include <spdlog/spdlog.h>

#include "api/http/framing.h"
#include "api/http/plain_session.h"
#include "api/http/problem.h"
#include "api/http/tls_session.h"

namespace rocd::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t header_limit = 16 * 1024;
constexpr std::string_view server_name = "rocd";

} // namespace

Response too_many_connections() {
    Response res = problem(http::status::service_unavailable, "too-many-connections",
                           "the daemon has too many open connections; retry later");
    res.keep_alive(false);
    return res;
}

Response too_many_requests(std::chrono::seconds retry_after) {
    Response res =
        problem(http::status::too_many_requests, "too-many-requests",
                "this client sends requests faster than the daemon serves one client; retry later");
    res.set(http::field::retry_after, std::to_string(retry_after.count()));
    return res;
}

template <class Derived, class Stream>
HttpSession<Derived, Stream>::HttpSession(SessionHost& host, SessionTimeouts timeouts, Stream& stream)
    : timeouts_(timeouts), host_(&host), stream_(stream), body_(stream, [this] { close(); }) {}

template <class Derived, class Stream> HttpSession<Derived, Stream>::~HttpSession() {
    if (host_ != nullptr) {
        host_->session_closed(*this);
    }
}

template <class Derived, class Stream>
void HttpSession<Derived, Stream>::set_remote(asio::ip::tcp::endpoint remote) {
    remote_ = remote;
    client_ = remote.address();
    // An IPv4 client of a dual-stack socket is one client with its IPv4 peers.
    if (client_.is_v6() && client_.to_v6().is_v4_mapped()) {
        client_ = asio::ip::make_address_v4(asio::ip::v4_mapped, client_.to_v6());
    }
}

template <class Derived, class Stream> void HttpSession<Derived, Stream>::evict() {
    waiting_since_.reset();
    spdlog::debug("http {}: closed while waiting, for a new connection", peer());
    close();
}

template <class Derived, class Stream> std::string HttpSession<Derived, Stream>::peer() const {
    return remote_.address().to_string() + ":" + std::to_string(remote_.port());
}

template <class Derived, class Stream> void HttpSession<Derived, Stream>::stop_when_idle() {
    closing_ = true;
    if (body_.active()) {
        return body_.finish();
    }
    if (idle_) {
        // Cancels the pending read; its handler closes the connection.
        beast::get_lowest_layer(stream_).cancel();
    }
}

template <class Derived, class Stream> void HttpSession<Derived, Stream>::wait_request() {
    if (closing_ || host_ == nullptr) {
        return close();
    }
    if (buffer_.size() > 0) {
        return read_request();
    }
    idle_ = true;
    if (!waiting_since_) {
        waiting_since_ = Clock::now();
    }
    // A connection that has sent nothing yet gets the header timeout: only
    // one that was answered has earned the idle one.
    beast::get_lowest_layer(stream_).expires_after(served_ == 0 ? timeouts_.header : timeouts_.idle);
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = derived().shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->idle_ = false;
                                if (ec) {
                                    return self->close();
                                }
                                self->buffer_.commit(n);
                                self->read_request();
                            });
}

template <class Derived, class Stream> void HttpSession<Derived, Stream>::read_request() {
    if (!waiting_since_) {
        waiting_since_ = Clock::now(); // a pipelined request, already in the buffer
    }
    parser_.emplace();
    parser_->header_limit(header_limit);
    parser_->body_limit(max_body_size);
    beast::get_lowest_layer(stream_).expires_after(timeouts_.header);
    // The header first: its framing is checked before a byte of body is
    // read as such.
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = derived().shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

template <class Derived, class Stream> void HttpSession<Derived, Stream>::on_header(beast::error_code ec) {
    if (ec) {
        return on_read(ec);
    }
    if (auto why = framing_problem(parser_->get())) {
        started_ = Clock::now();
        return refuse_request(problem(http::status::bad_request, "malformed-request", *why));
    }
    http::async_read(
        stream_, buffer_, *parser_,
        [self = derived().shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

// The rest of the stream cannot be trusted: answer and hang up.
template <class Derived, class Stream> void HttpSession<Derived, Stream>::refuse_request(Response res) {
    method_ = parser_->get().method_string();
    target_ = parser_->get().target();
    waiting_since_.reset();
    closing_ = true;
    linger_ = true;
    write(std::move(res), false);
}

template <class Derived, class Stream> void HttpSession<Derived, Stream>::on_read(beast::error_code ec) {
    started_ = Clock::now();
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::eof || host_ == nullptr) {
        return close();
    }
    if (ec) {
        Response res;
        if (ec == http::error::body_limit) {
            res = problem(http::status::payload_too_large, "payload-too-large",
                          "request body is larger than 1 MiB");
        } else if (ec == http::error::header_limit) {
            res = problem(http::status::request_header_fields_too_large, "header-too-large",
                          "request header is larger than 16 KiB");
        } else if (ec == http::error::bad_transfer_encoding || ec == http::error::bad_content_length) {
            // Beast's own framing checks (chunked twice, Content-Length
            // twice or with Transfer-Encoding): the same refusal as ours.
            res = problem(http::status::bad_request, "malformed-request",
                          "conflicting or invalid Transfer-Encoding / Content-Length");
        } else {
            res = problem(http::status::bad_request, "malformed-request", "malformed HTTP request");
        }
        return refuse_request(std::move(res));
    }
    const Request& request = parser_->get();
    method_ = request.method_string();
    target_ = request.target();
    waiting_since_.reset();
    served_++;
    if (refuse_) {
        closing_ = true;
        return write(too_many_connections(), false);
    }
    Reply reply = handle(request);
    if (reply.stream) {
        return start_body(std::move(reply));
    }
    head_ = request.method() == http::verb::head;
    if (reply.later) {
        return answer_later(std::move(reply.later), request.keep_alive());
    }
    write(std::move(reply.response), request.keep_alive());
}

template <class Derived, class Stream> Reply HttpSession<Derived, Stream>::handle(const Request& request) {
    const AccessPolicy& access = host_->access();
    if (auto preflight = access.preflight(request)) {
        return {std::move(*preflight), nullptr, nullptr};
    }
    Reply reply;
    if (auto refusal = access.authorize(request, peer())) {
        reply.response = std::move(*refusal);
    } else if (auto wait = host_->router().throttled(request) ? host_->throttle(client_) : std::nullopt) {
        reply.response = too_many_requests(*wait);
    } else {
        reply = host_->router().dispatch(request);
    }
    access.expose(request, reply);
    return reply;
}

// An asynchronous route: nothing more is read from this connection until it
// answered (so pipelined requests are answered in order), and no timeout
// runs meanwhile: the answer may take as long as the device. The Responder
// holds the session, so it outlives a client that left; the write then
// fails and closes it.
template <class Derived, class Stream>
void HttpSession<Derived, Stream>::answer_later(std::function<void(Responder)> later, bool keep_alive) {
    beast::get_lowest_layer(stream_).expires_never();
    later([self = derived().shared_from_this(), keep_alive](Response response) {
        if (self->closed_ || self->host_ == nullptr) {
            return; // the client left, or the server is gone
        }
        self->write(std::move(response), keep_alive);
    });
}

template <class Derived, class Stream> void HttpSession<Derived, Stream>::start_body(Reply reply) {
    reply.response.set(http::field::server, server_name);
    spdlog::info("http {} {} {} -> {} (stream)", peer(), method_, target_, reply.response.result_int());
    host_->session_streaming(*this);
    body_.start(reply.response, std::move(reply.stream), derived().shared_from_this());
}

template <class Derived, class Stream>
void HttpSession<Derived, Stream>::write(Response res, bool keep_alive) {
    response_ = std::move(res);
    response_.version(11);
    response_.set(http::field::server, server_name);
    response_.keep_alive(keep_alive && !closing_);
    response_.prepare_payload();
    if (head_) {
        // The header describes the GET body; none follows it.
        const auto length = response_.body().size();
        response_.body().clear();
        response_.content_length(length);
        head_ = false;
    }
    beast::get_lowest_layer(stream_).expires_after(timeouts_.header);
    http::async_write(
        stream_, response_,
        [self = derived().shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
}

template <class Derived, class Stream> void HttpSession<Derived, Stream>::on_write(beast::error_code ec) {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_).count();
    const unsigned status = response_.result_int();
    const auto level = status >= 500 ? spdlog::level::warn : spdlog::level::info;
    spdlog::log(level, "http {} {} {} -> {} ({}.{:03} ms)", peer(), method_, target_, status, micros / 1000,
                micros % 1000);
    if (ec || !response_.keep_alive()) {
        return linger_ && !ec ? derived().linger() : close();
    }
    wait_request();
}

template <class Derived, class Stream> void HttpSession<Derived, Stream>::close() {
    if (closed_) {
        return;
    }
    closed_ = true;
    body_.stop();
    derived().close_transport();
}

template class HttpSession<PlainSession, beast::tcp_stream>;
template class HttpSession<TlsSession, beast::ssl_stream<beast::tcp_stream>>;

} // namespace rocd::api
