// The HTTP/1.1 server of the control plane: one listener, one session per
// connection, everything on the caller's io_context (single thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "api/http/access_policy.h"
#include "api/http/router.h"
#include "api/http/session.h"
#include "core/error.h"

namespace rocd::api {

struct ServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 4040;
    /// Request connections at once (GET /events streams are bounded by
    /// their route instead), and from one client address. Over a limit, a
    /// new connection takes the slot of the one that has waited longest for
    /// a whole request (in that client's connections, then in all); only
    /// when every slot is answering a request is it refused (503).
    std::size_t max_connections = 512;
    std::size_t max_connections_per_client = 64;
    /// Requests per second from one client address, with bursts of twice as
    /// many; beyond, 429 (`too-many-requests`) with Retry-After.
    std::size_t max_requests_per_second = 200;
    /// Time a client has to send a request's header (and body) once it started.
    std::chrono::milliseconds header_timeout {10'000};
    /// Time a kept-alive connection may wait for its next request.
    std::chrono::milliseconds idle_timeout {60'000};
    /// Bearer token every request must carry when the bound address is not
    /// loopback (decided from the socket after bind, not from `host`), and
    /// on loopback too with `token_on_loopback`. Empty: an open API, which
    /// listen() refuses to serve anywhere but on loopback.
    std::string token;
    bool token_on_loopback = false;
    /// Browser origins allowed by CORS; empty = no CORS headers at all.
    std::vector<std::string> cors_allowed_origins;
    std::optional<std::filesystem::path> tls_cert;
    std::optional<std::filesystem::path> tls_key;
};

class Server final : private SessionHost {
public:
    Server(boost::asio::io_context& io, const Router& router, ServerOptions options);
    ~Server();

    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    /// Loads the TLS files and binds the address, without accepting yet, so
    /// that a port in use or a bad certificate stops start-up before any
    /// other work. A port in use, a bad address or an unreadable TLS file
    /// is an error.
    Status listen();

    /// Starts accepting connections (after listen() succeeded).
    void accept();

    /// The bound address (useful with port 0).
    boost::asio::ip::tcp::endpoint local_endpoint() const;

    /// Whether requests must carry the token (known after listen()).
    bool requires_token() const { return requires_token_; }

    /// Stops accepting. Idle connections close at once; a connection in the
    /// middle of a request finishes it and then closes. `on_drained` runs
    /// when no connection is left.
    void shutdown(std::function<void()> on_drained);

    std::size_t connection_count() const { return sessions_.size(); }

private:
    const Router& router() const override { return router_; }
    const AccessPolicy& access() const override { return access_; }
    void session_streaming(Session& session) override;
    std::optional<std::chrono::seconds> throttle(const boost::asio::ip::address& client) override;
    void session_closed(Session& session) override;

    void do_accept();
    /// Frees a slot for a new connection from `client` if a limit is
    /// reached, by evicting a waiting session; false if none can go.
    bool make_room(const boost::asio::ip::address& client);
    /// The session that has waited longest, of `client` only if given.
    Session* longest_waiting(const boost::asio::ip::address* client) const;
    /// Takes `session` out of the request connections' counts.
    void uncount(Session& session);
    /// Evicts the session that has waited longest (of `client` only, if
    /// given); false if none is waiting.
    bool evict_one(const boost::asio::ip::address* client);
    /// Counts a refusal, an eviction or a throttled request in `counter`;
    /// logs all three counts together, at most every few seconds.
    void note_overload(std::size_t& counter);
    /// A connection over the limit: told 503 if that can be done cheaply.
    void refuse(boost::asio::ip::tcp::socket socket);
    template <class SessionType, class... Args> void open(bool refused, Args&&... args);

    boost::asio::io_context& io_;
    const Router& router_;
    ServerOptions options_;
    AccessPolicy access_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::optional<boost::asio::ssl::context> tls_;
    std::set<Session*> sessions_;
    /// Request connections: every session but the streaming, evicted and
    /// refusing ones; per client address, and in all.
    std::map<Session*, boost::asio::ip::address> counted_;
    std::map<boost::asio::ip::address, std::size_t> per_client_;
    std::size_t refused_ = 0;
    std::size_t evicted_ = 0;
    std::size_t throttled_ = 0;
    std::chrono::steady_clock::time_point overload_logged_ {};
    /// A token bucket per client address that made a request recently.
    struct Bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point filled {};
    };
    std::map<boost::asio::ip::address, Bucket> buckets_;
    /// TLS connections over the limit being told 503 (a TLS client needs a
    /// handshake before it can read one); in sessions_ too.
    std::set<Session*> refusing_;
    bool stopping_ = false;
    bool requires_token_ = false;
    std::function<void()> on_drained_;
};

} // namespace rocd::api
