#include "api/http/server.h"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "api/http/plain_session.h"
#include "api/http/tls_session.h"

namespace rocd::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

/// TLS connections over the limit that still get their 503; beyond these a
/// connection is closed without one.
constexpr std::size_t max_refusing = 16;

/// Refusals and evictions are logged together, at most this often: a flood
/// of connections must not become a flood of log lines.
constexpr std::chrono::seconds overload_log_interval {10};

asio::ip::address client_of(const tcp::socket& socket) {
    boost::system::error_code ec;
    auto address = socket.remote_endpoint(ec).address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return address;
}

} // namespace

Server::Server(asio::io_context& io, const Router& router, ServerOptions options)
    : io_(io), router_(router), options_(std::move(options)), access_({}, options_.cors_allowed_origins),
      acceptor_(io) {}

Server::~Server() {
    for (Session* session : sessions_) {
        session->detach();
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
    // Loopback as the kernel sees it: a host name like "127.example" that
    // resolves to a public address is public.
    const auto bound = acceptor_.local_endpoint(ec).address();
    const bool loopback =
        !ec && (bound.is_loopback() ||
                (bound.is_v6() && bound.to_v6().is_v4_mapped() &&
                 asio::ip::make_address_v4(asio::ip::v4_mapped, bound.to_v6()).is_loopback()));
    requires_token_ = options_.token_on_loopback || !loopback;
    if (requires_token_ && options_.token.empty()) {
        acceptor_.close();
        return fail(Errc::invalid_argument,
                    options_.host + " is not a loopback address: an API there needs a token", "listen");
    }
    access_ = AccessPolicy(requires_token_ ? options_.token : std::string {}, options_.cors_allowed_origins);
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
            if (!make_room(client_of(socket))) {
                refuse(std::move(socket));
            } else if (tls_) {
                open<TlsSession>(false, std::move(socket), *tls_);
            } else {
                open<PlainSession>(false, std::move(socket));
            }
        }
        do_accept();
    });
}

template <class SessionType, class... Args> void Server::open(bool refused, Args&&... args) {
    SessionHost& host = *this; // a private base: convertible only here
    auto session = std::make_shared<SessionType>(
        host, SessionTimeouts {options_.header_timeout, options_.idle_timeout}, std::forward<Args>(args)...);
    sessions_.insert(session.get());
    if (refused) {
        refusing_.insert(session.get());
        session->refuse();
    } else {
        counted_.emplace(session.get(), session->client());
        per_client_[session->client()]++;
    }
    session->run();
}

Session* Server::longest_waiting(const asio::ip::address* client) const {
    Session* oldest = nullptr;
    std::chrono::steady_clock::time_point since {};
    for (const auto& [session, address] : counted_) {
        if (client != nullptr && address != *client) {
            continue;
        }
        const auto waiting = session->waiting_since();
        if (waiting && (oldest == nullptr || *waiting < since)) {
            oldest = session;
            since = *waiting;
        }
    }
    return oldest;
}

bool Server::evict_one(const asio::ip::address* client) {
    Session* victim = longest_waiting(client);
    if (victim == nullptr) {
        return false;
    }
    uncount(*victim);
    victim->evict();
    note_overload(evicted_);
    return true;
}

bool Server::make_room(const asio::ip::address& client) {
    const auto it = per_client_.find(client);
    if (it != per_client_.end() && it->second >= options_.max_connections_per_client && !evict_one(&client)) {
        return false;
    }
    return counted_.size() < options_.max_connections || evict_one(nullptr);
}

void Server::uncount(Session& session) {
    const auto it = counted_.find(&session);
    if (it == counted_.end()) {
        return;
    }
    if (auto client = per_client_.find(it->second); client != per_client_.end() && --client->second == 0) {
        per_client_.erase(client);
    }
    counted_.erase(it);
}

void Server::note_overload(std::size_t& counter) {
    counter++;
    const auto now = std::chrono::steady_clock::now();
    if (now - overload_logged_ < overload_log_interval) {
        return;
    }
    spdlog::warn("http: connection limits reached ({} in all, {} per client): {} connection(s) refused, {} "
                 "waiting one(s) closed for new ones, {} request(s) over the rate of {}/s per client "
                 "answered 429 since the last report",
                 options_.max_connections, options_.max_connections_per_client, refused_, evicted_,
                 throttled_, options_.max_requests_per_second);
    refused_ = 0;
    evicted_ = 0;
    throttled_ = 0;
    overload_logged_ = now;
}

void Server::refuse(tcp::socket socket) {
    // Tell the client why instead of leaving it hanging.
    note_overload(refused_);
    boost::system::error_code ec;
    if (!tls_) {
        // A fresh socket's send buffer always takes this one small write.
        Response res = too_many_connections();
        res.prepare_payload();
        socket.non_blocking(true, ec);
        http::serializer<false, http::string_body> sr {res};
        beast::error_code wec;
        http::write(socket, sr, wec);
        socket.close(ec);
    } else if (refusing_.size() < max_refusing) {
        // The 503 needs a handshake first: a short-lived session under the
        // header timeout does both.
        open<TlsSession>(true, std::move(socket), *tls_);
    } else {
        socket.close(ec);
    }
}

std::optional<std::chrono::seconds> Server::throttle(const asio::ip::address& client) {
    using namespace std::chrono;
    const auto now = steady_clock::now();
    const double rate = static_cast<double>(options_.max_requests_per_second);
    const double burst = 2 * rate;
    // Buckets of clients quiet long enough to be full again carry nothing.
    if (buckets_.size() > 4096) {
        std::erase_if(buckets_, [&](const auto& item) { return now - item.second.filled > seconds(10); });
    }
    auto [it, fresh] = buckets_.try_emplace(client, Bucket {burst, now});
    Bucket& bucket = it->second;
    if (!fresh) {
        bucket.tokens = std::min(burst, bucket.tokens + duration<double>(now - bucket.filled).count() * rate);
        bucket.filled = now;
    }
    if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return std::nullopt;
    }
    note_overload(throttled_);
    return seconds(1);
}

void Server::session_streaming(Session& session) {
    uncount(session);
}

void Server::session_closed(Session& session) {
    uncount(session);
    sessions_.erase(&session);
    refusing_.erase(&session);
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
