#include "api/http/server.h"

#include <algorithm>
#include <array>
#include <deque>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "api/http/problem.h"

namespace rocd::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t header_limit = 16 * 1024;
// After an error answer that ends the connection (413, malformed request),
// the client may still be sending its body. Closing with unread data makes
// the kernel send a reset, and the client then loses the answer it has not
// read yet. So the answer is followed by a half-close, and what the client
// still sends is read and dropped, within these bounds, before closing.
constexpr std::chrono::milliseconds linger_timeout {1000};
constexpr std::size_t linger_limit = 16 * 1024 * 1024;
constexpr std::string_view server_name = "rocd";
// Kernel send buffer of a streamed body (SSE): a trickle of small messages
// needs little. Left alone, Linux grows it up to tcp_wmem's maximum (4 MiB)
// for a client that stops reading, which hides that client's backlog from
// the source (StreamSink::queued()) for thousands of messages and pins the
// memory per connection. Bounded, the backlog shows up in the session's
// queue, where the source can give up on the client.
constexpr int stream_send_buffer = 32 * 1024;

/// TLS connections over the limit that still get their 503; beyond these a
/// connection is closed without one.
constexpr std::size_t max_refusing = 16;

Response too_many_connections() {
    Response res = problem(http::status::service_unavailable, "too-many-connections",
                           "the daemon has too many open connections; retry later");
    res.keep_alive(false);
    return res;
}

bool token_matches(std::string_view header, const std::string& token) {
    constexpr std::string_view scheme = "Bearer ";
    if (header.size() != scheme.size() + token.size() || header.substr(0, scheme.size()) != scheme) {
        return false;
    }
    // Constant time, so that response timing tells nothing about the token.
    return CRYPTO_memcmp(header.data() + scheme.size(), token.data(), token.size()) == 0;
}

} // namespace

/// One connection, whatever its transport; the server only needs to tell it
/// to finish.
class Session {
public:
    virtual ~Session() = default;
    /// Close now if waiting for a request; otherwise after the response.
    virtual void stop_when_idle() = 0;
    virtual void detach_server() = 0;
};

template <class Stream>
class SessionImpl : public Session,
                    public StreamSink,
                    public std::enable_shared_from_this<SessionImpl<Stream>> {
public:
    template <class... StreamArgs>
    SessionImpl(Server& server, tcp::socket&& socket, StreamArgs&&... args)
        : server_(&server), stream_(std::move(socket), std::forward<StreamArgs>(args)...) {
        beast::error_code ec;
        remote_ = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
        server.sessions_.insert(this);
    }

    ~SessionImpl() override {
        if (server_ != nullptr) {
            if (refuse_) {
                --server_->refusing_;
            }
            server_->on_session_closed(this);
        }
    }

    /// Answers the first request 503 and closes (a TLS connection over the
    /// limit). Call before run().
    void refuse() {
        refuse_ = true;
        ++server_->refusing_;
    }

    void run() {
        if constexpr (is_tls) {
            beast::get_lowest_layer(stream_).expires_after(server_->options_.header_timeout);
            stream_.async_handshake(
                asio::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
                    if (ec) {
                        spdlog::debug("http {}: TLS handshake failed: {}", self->peer(), ec.message());
                        return self->close();
                    }
                    self->wait_request();
                });
        } else {
            wait_request();
        }
    }

    void stop_when_idle() override {
        closing_ = true;
        if (source_) {
            return finish();
        }
        if (idle_) {
            // Cancels the pending read; its handler closes the connection.
            beast::get_lowest_layer(stream_).cancel();
        }
    }

    void detach_server() override { server_ = nullptr; }

private:
    static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

    std::string peer() const { return remote_.address().to_string() + ":" + std::to_string(remote_.port()); }

    // Waits, up to the idle timeout, for the first byte of the next request;
    // from then on the header timeout applies.
    void wait_request() {
        if (closing_ || server_ == nullptr) {
            return close();
        }
        if (buffer_.size() > 0) {
            return read_request();
        }
        idle_ = true;
        beast::get_lowest_layer(stream_).expires_after(server_->options_.idle_timeout);
        stream_.async_read_some(buffer_.prepare(4096),
                                [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->idle_ = false;
                                    if (ec) {
                                        return self->close();
                                    }
                                    self->buffer_.commit(n);
                                    self->read_request();
                                });
    }

    void read_request() {
        parser_.emplace();
        parser_->header_limit(header_limit);
        parser_->body_limit(max_body_size);
        beast::get_lowest_layer(stream_).expires_after(server_->options_.header_timeout);
        http::async_read(
            stream_, buffer_, *parser_,
            [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        started_ = Clock::now();
        if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
            ec == beast::error::timeout || ec == asio::error::eof) {
            return close();
        }
        if (ec) {
            // The rest of the stream cannot be trusted: answer and hang up.
            Response res;
            if (ec == http::error::body_limit) {
                res = problem(http::status::payload_too_large, "payload-too-large",
                              "request body is larger than 1 MiB");
            } else if (ec == http::error::header_limit) {
                res = problem(http::status::request_header_fields_too_large, "header-too-large",
                              "request header is larger than 16 KiB");
            } else {
                res = problem(http::status::bad_request, "malformed-request", "malformed HTTP request");
            }
            method_ = parser_->get().method_string();
            target_ = parser_->get().target();
            closing_ = true;
            linger_ = true;
            return write(std::move(res), false);
        }
        const Request& request = parser_->get();
        method_ = request.method_string();
        target_ = request.target();
        if (refuse_) {
            closing_ = true;
            return write(too_many_connections(), false);
        }
        Reply reply = handle(request);
        if (reply.stream) {
            return start_stream(std::move(reply));
        }
        head_ = request.method() == http::verb::head;
        if (reply.later) {
            return answer_later(std::move(reply.later), request.keep_alive());
        }
        write(std::move(reply.response), request.keep_alive());
    }

    // An asynchronous route: nothing more is read from this connection
    // until it answered (so pipelined requests are answered in order), and
    // no timeout runs meanwhile: the answer may take as long as the device.
    // The Responder holds the session, so it outlives a client that left;
    // the write then fails and closes it.
    void answer_later(std::function<void(Responder)> later, bool keep_alive) {
        beast::get_lowest_layer(stream_).expires_never();
        later([self = this->shared_from_this(), keep_alive](Response response) {
            if (self->closed_ || self->server_ == nullptr) {
                return; // the client left, or the server is gone
            }
            self->write(std::move(response), keep_alive);
        });
    }

    Reply handle(const Request& request) {
        const ServerOptions& options = server_->options_;
        const auto origin_it = request.find(http::field::origin);
        const bool cors = origin_it != request.end() && cors_allows(origin_it->value());

        if (cors && request.method() == http::verb::options &&
            request.find(http::field::access_control_request_method) != request.end()) {
            // Preflights carry no credentials by design; answer before auth.
            Response res {http::status::no_content, request.version()};
            res.set(http::field::access_control_allow_methods, "GET, POST, PUT, PATCH, DELETE");
            res.set(http::field::access_control_allow_headers, "Authorization, Content-Type, Last-Event-ID");
            res.set(http::field::access_control_max_age, "600");
            add_cors(res, origin_it->value());
            return {std::move(res), nullptr};
        }

        Reply reply;
        if (!options.required_token.empty() &&
            !token_matches(request[http::field::authorization], options.required_token)) {
            const bool missing = request.find(http::field::authorization) == request.end();
            spdlog::warn("http {}: {} {}: rejected, {} bearer token", peer(), request.method_string(),
                         request.target(), missing ? "missing" : "wrong");
            reply.response = problem(http::status::unauthorized, "unauthorized",
                                     missing ? "this API needs 'Authorization: Bearer <token>' (token file: "
                                               "api-token in the daemon's state directory)"
                                             : "wrong bearer token");
            reply.response.set(http::field::www_authenticate, "Bearer");
        } else {
            reply = server_->router_.dispatch(request);
        }
        if (cors && reply.later) {
            reply.later = [later = std::move(reply.later),
                           origin = std::string(origin_it->value())](Responder respond) {
                later([respond = std::move(respond), origin](Response response) {
                    add_cors(response, origin);
                    respond(std::move(response));
                });
            };
        } else if (cors) {
            add_cors(reply.response, origin_it->value());
        }
        return reply;
    }

    // Server-Sent Events and other streamed bodies: a chunked response that
    // lasts until the source or the client ends it. No timeouts apply; the
    // source sends heartbeats.
    void start_stream(Reply reply) {
        source_ = std::move(reply.stream);
        stream_header_.emplace(reply.response.result(), 11);
        for (const auto& field : reply.response) {
            stream_header_->set(field.name_string(), field.value());
        }
        stream_header_->set(http::field::server, server_name);
        stream_header_->chunked(true);
        stream_serializer_.emplace(*stream_header_);
        beast::get_lowest_layer(stream_).expires_never();
        beast::error_code ignored; // at worst, the kernel's default stays
        beast::get_lowest_layer(stream_).socket().set_option(
            asio::socket_base::send_buffer_size(stream_send_buffer), ignored);
        spdlog::info("http {} {} {} -> {} (stream)", peer(), method_, target_, stream_header_->result_int());
        http::async_write_header(stream_, *stream_serializer_,
                                 [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                     if (ec) {
                                         return self->close();
                                     }
                                     self->watch_client();
                                     self->source_->start(*self);
                                     self->write_next_chunk();
                                 });
    }

    // The client sends nothing more; a read that completes means it left.
    void watch_client() {
        stream_.async_read_some(asio::buffer(discard_),
                                [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                    if (ec) {
                                        return self->close();
                                    }
                                    self->watch_client();
                                });
    }

    void send(std::string data) override {
        if (closed_ || finishing_) {
            return;
        }
        chunks_.push_back(std::move(data));
        write_next_chunk();
    }

    std::size_t queued() const override { return chunks_.size(); }

    void finish() override {
        if (closed_ || finishing_) {
            return;
        }
        finishing_ = true;
        write_next_chunk();
    }

    void write_next_chunk() {
        if (writing_ || closed_ || !stream_serializer_->is_header_done()) {
            return;
        }
        if (chunks_.empty()) {
            if (finishing_) {
                writing_ = true;
                asio::async_write(
                    stream_, http::make_chunk_last(),
                    [self = this->shared_from_this()](beast::error_code, std::size_t) { self->close(); });
            }
            return;
        }
        writing_ = true;
        asio::async_write(stream_, http::make_chunk(asio::buffer(chunks_.front())),
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->writing_ = false;
                              self->chunks_.pop_front();
                              if (ec) {
                                  return self->close();
                              }
                              self->write_next_chunk();
                          });
    }

    bool cors_allows(std::string_view origin) const {
        const auto& allowed = server_->options_.cors_allowed_origins;
        return std::any_of(allowed.begin(), allowed.end(),
                           [&](const std::string& o) { return o == "*" || o == origin; });
    }

    static void add_cors(Response& res, std::string_view origin) {
        res.set(http::field::access_control_allow_origin, origin);
        res.set(http::field::vary, "Origin");
    }

    void write(Response res, bool keep_alive) {
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
        beast::get_lowest_layer(stream_).expires_after(server_->options_.header_timeout);
        http::async_write(
            stream_, response_,
            [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        const auto micros =
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started_).count();
        const unsigned status = response_.result_int();
        const auto level = status >= 500 ? spdlog::level::warn : spdlog::level::info;
        spdlog::log(level, "http {} {} {} -> {} ({}.{:03} ms)", peer(), method_, target_, status,
                    micros / 1000, micros % 1000);
        if (ec || !response_.keep_alive()) {
            return linger_ && !ec ? linger() : close();
        }
        wait_request();
    }

    // Half-closes, then drops what the client still sends until it closes
    // too, linger_limit bytes or linger_timeout, whichever comes first.
    void linger() {
        if constexpr (is_tls) {
            return close();
        } else {
            beast::error_code ec;
            stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
            if (ec) {
                return close();
            }
            stream_.expires_after(linger_timeout);
            drain();
        }
    }

    void drain() {
        buffer_.consume(buffer_.size());
        stream_.async_read_some(buffer_.prepare(64 * 1024),
                                [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->lingered_ += n;
                                    if (ec || self->lingered_ > linger_limit) {
                                        return self->close();
                                    }
                                    self->drain();
                                });
    }

    void close() {
        if (closed_) {
            return;
        }
        closed_ = true;
        if (source_) {
            source_->stop();
            source_.reset();
        }
        beast::error_code ec;
        if constexpr (is_tls) {
            beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(1));
            stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
                beast::error_code ignored;
                beast::get_lowest_layer(self->stream_).socket().close(ignored);
            });
        } else {
            stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
            stream_.socket().close(ec);
        }
    }

    Server* server_;
    Stream stream_;
    tcp::endpoint remote_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    Response response_;
    Clock::time_point started_ = Clock::now();
    std::string method_;
    std::string target_;
    bool idle_ = false;
    bool closing_ = false;
    bool refuse_ = false;
    bool closed_ = false;
    bool head_ = false;
    bool linger_ = false;
    std::size_t lingered_ = 0;

    // Streamed body state.
    std::shared_ptr<StreamSource> source_;
    std::optional<http::response<http::empty_body>> stream_header_;
    std::optional<http::response_serializer<http::empty_body>> stream_serializer_;
    std::deque<std::string> chunks_;
    std::array<char, 256> discard_ {};
    bool writing_ = false;
    bool finishing_ = false;
};

Server::Server(asio::io_context& io, const Router& router, ServerOptions options)
    : io_(io), router_(router), options_(std::move(options)), acceptor_(io) {}

Server::~Server() {
    for (Session* session : sessions_) {
        session->detach_server();
    }
}

Status Server::listen() {
    if (options_.tls_cert) {
        try {
            tls_.emplace(asio::ssl::context::tls_server);
            tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                              asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                              asio::ssl::context::no_tlsv1_1);
            tls_->use_certificate_chain_file(options_.tls_cert->string());
            tls_->use_private_key_file(options_.tls_key->string(), asio::ssl::context::pem);
        } catch (const boost::system::system_error& e) {
            return fail(Errc::invalid_argument,
                        "cannot load TLS certificate/key (" + options_.tls_cert->string() + ", " +
                            options_.tls_key->string() + "): " + e.code().message(),
                        "tls_cert");
        }
    }

    boost::system::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) {
        // A host name: resolve it (localhost, a machine name).
        tcp::resolver resolver(io_);
        auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
        if (ec || results.empty()) {
            return fail(Errc::invalid_argument, "cannot resolve listen host '" + options_.host + "'",
                        "listen");
        }
        address = results.begin()->endpoint().address();
    }
    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        acceptor_.close();
        const Errc code = ec == asio::error::address_in_use ? Errc::conflict : Errc::unavailable;
        return fail(code,
                    "cannot listen on " + options_.host + ":" + std::to_string(options_.port) + ": " +
                        ec.message(),
                    "listen");
    }
    return {};
}

void Server::accept() {
    do_accept();
}

tcp::endpoint Server::local_endpoint() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec);
}

void Server::do_accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || stopping_) {
            return;
        }
        if (!ec) {
            socket.set_option(tcp::no_delay(true), ec);
            if (sessions_.size() >= options_.max_connections) {
                // Tell the client why instead of leaving it hanging; a fresh
                // socket's send buffer always takes this one small write.
                spdlog::warn("http: connection limit ({}) reached; refusing a connection",
                             options_.max_connections);
                if (!tls_) {
                    Response res = too_many_connections();
                    res.prepare_payload();
                    socket.non_blocking(true, ec);
                    http::serializer<false, http::string_body> sr {res};
                    beast::error_code wec;
                    http::write(socket, sr, wec);
                    socket.close(ec);
                } else if (refusing_ < max_refusing) {
                    // The 503 needs a handshake first: a short-lived session
                    // under the header timeout does both.
                    auto session = std::make_shared<SessionImpl<beast::ssl_stream<beast::tcp_stream>>>(
                        *this, std::move(socket), *tls_);
                    session->refuse();
                    session->run();
                } else {
                    socket.close(ec);
                }
            } else if (tls_) {
                std::make_shared<SessionImpl<beast::ssl_stream<beast::tcp_stream>>>(*this, std::move(socket),
                                                                                    *tls_)
                    ->run();
            } else {
                std::make_shared<SessionImpl<beast::tcp_stream>>(*this, std::move(socket))->run();
            }
        }
        do_accept();
    });
}

void Server::on_session_closed(Session* session) {
    sessions_.erase(session);
    if (stopping_ && sessions_.empty() && on_drained_) {
        auto done = std::move(on_drained_);
        on_drained_ = nullptr;
        done();
    }
}

void Server::shutdown(std::function<void()> on_drained) {
    stopping_ = true;
    on_drained_ = std::move(on_drained);
    boost::system::error_code ec;
    acceptor_.close(ec);
    // Copy: a session may close (and erase itself) synchronously.
    const std::vector<Session*> sessions(sessions_.begin(), sessions_.end());
    for (Session* session : sessions) {
        session->stop_when_idle();
    }
    if (sessions_.empty() && on_drained_) {
        auto done = std::move(on_drained_);
        on_drained_ = nullptr;
        done();
    }
}

} // namespace rocd::api
