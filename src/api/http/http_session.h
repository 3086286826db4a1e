// The HTTP/1.1 exchange of one connection, the same over TCP and TLS:
// read a request, dispatch it, write the answer (now, later, or as a
// streamed body), and close cleanly. In the manner of Boost.Beast's
// advanced servers, the transport is the derived class (CRTP): it gives
// stream(), start-up (a TLS handshake or none), linger() and
// close_transport(). Defined in http_session.cpp for the two transports.
#pragma once

#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "api/http/body_writer.h"
#include "api/http/session.h"

namespace rocd::api {

template <class Derived, class Stream> class HttpSession : public Session {
public:
    void stop_when_idle() override;
    void detach() override { host_ = nullptr; }
    const boost::asio::ip::address& client() const override { return client_; }
    std::optional<std::chrono::steady_clock::time_point> waiting_since() const override {
        return waiting_since_;
    }
    void evict() override;

    /// Answers the first request 503 and closes (a connection over the
    /// limit that could not be told at once). Call before run().
    void refuse() { refuse_ = true; }

protected:
    HttpSession(SessionHost& host, SessionTimeouts timeouts, Stream& stream);
    ~HttpSession() override;

    /// Waits, up to the idle timeout, for the first byte of the next
    /// request; from then on the header timeout applies.
    void wait_request();
    void close();
    std::string peer() const;

    /// Set by the transport's constructor; client_ follows from it.
    void set_remote(boost::asio::ip::tcp::endpoint remote);

    boost::asio::ip::tcp::endpoint remote_;
    SessionTimeouts timeouts_;
    boost::beast::flat_buffer buffer_;
    std::size_t lingered_ = 0;

private:
    Derived& derived() { return static_cast<Derived&>(*this); }

    void read_request();
    void on_header(boost::beast::error_code ec);
    void on_read(boost::beast::error_code ec);
    void refuse_request(Response res);
    Reply handle(const Request& request);
    void answer_later(std::function<void(Responder)> later, bool keep_alive);
    void start_body(Reply reply);
    void write(Response res, bool keep_alive);
    void on_write(boost::beast::error_code ec);

    SessionHost* host_;
    Stream& stream_;
    std::optional<http::request_parser<http::string_body>> parser_;
    Response response_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    boost::asio::ip::address client_;
    std::optional<std::chrono::steady_clock::time_point> waiting_since_ = std::chrono::steady_clock::now();
    std::size_t served_ = 0;
    std::string method_;
    std::string target_;
    BodyWriter<Stream> body_;
    bool idle_ = false;
    bool closing_ = false;
    bool refuse_ = false;
    bool closed_ = false;
    bool head_ = false;
    bool linger_ = false;
};

} // namespace rocd::api
