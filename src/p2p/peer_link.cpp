#include "p2p/peer_link.h"

namespace rocd::p2p {

PeerLink::PeerLink(boost::asio::io_context& io, zmq::context_t& context, const Identity& self,
                   const RawKey& peer_key, const std::string& endpoint, Options options, OnState on_state,
                   Link::OneWay on_one_way)
    : options_(std::move(options)), on_state_(std::move(on_state)),
      link_(io, context, self, peer_key, endpoint,
            [this, on_one_way = std::move(on_one_way)](const Message& m) {
                if (m.type == "bye") {
                    on_bye();
                } else {
                    heard();
                }
                on_one_way(m);
            }),
      timer_(io), hello_retry_(io), silence_(io) {
    tick();
}

PeerLink::~PeerLink() {
    *alive_ = false;
}

void PeerLink::on_bye() {
    // The peer stops or revoked us: offline now, not in 3 s (§8.3).
    hello_.reset();
    version_.reset();
    set_state(PeerState::offline);
}

// Every ping interval: say hello until the peer answered it, then ping.
void PeerLink::tick() {
    if (state_ != PeerState::incompatible) {
        if (!version_) {
            say_hello();
        } else {
            ping();
        }
    }
    timer_.expires_after(options_.ping_interval);
    timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (!ec && alive.lock()) {
            tick();
        }
    });
}

void PeerLink::say_hello() {
    if (hello_pending_) {
        return;
    }
    hello_pending_ = true;
    Hello self = options_.self_hello();
    self.versions = options_.versions;
    self.nonce = fresh_nonce();
    link_.request("hello", hello_body(self), options_.offline_after,
                  [this, nonce = self.nonce, alive = std::weak_ptr<bool>(alive_)](Link::Reply reply) {
                      if (!alive.lock()) {
                          return;
                      }
                      hello_pending_ = false;
                      if (!reply) {
                          if (reply.error().code == ErrorCode::unsupported_version) {
                              heard();
                              set_state(PeerState::incompatible);
                          } else if (reply.error().code == ErrorCode::unavailable) {
                              hello_retry_.expires_after(hello_backoff_);
                              hello_backoff_ = std::min(2 * hello_backoff_, options_.ping_interval);
                              hello_retry_.async_wait([this, alive](const boost::system::error_code& ec) {
                                  if (!ec && alive.lock() && !version_ && state_ != PeerState::incompatible) {
                                      say_hello();
                                  }
                              });
                          }
                          return; // not connected yet, or silent: the next tick says hello again
                      }
                      auto hello = parse_hello(reply->body);
                      const auto version = reply->body.value("version", 0);
                      if (!hello || !negotiate(options_.versions, hello->versions) || version < 1) {
                          set_state(PeerState::incompatible);
                          return;
                      }
                      hello_ = std::move(*hello);
                      nonce_sent_ = nonce;
                      version_ = version;
                      hello_backoff_ = std::chrono::milliseconds(50);
                      heard();
                      ping();
                  });
}

void PeerLink::ping() {
    if (ping_pending_) {
        return;
    }
    ping_pending_ = true;
    const auto sent = std::chrono::steady_clock::now();
    // A third of the silence that makes the peer offline: a reply lost (a
    // peer that rations its refusals drops some) frees the next ping in time.
    link_.request(
        "ping", nlohmann::json::object(), options_.offline_after / 3,
        [this, sent, alive = std::weak_ptr<bool>(alive_)](Link::Reply reply) {
            if (!alive.lock()) {
                return;
            }
            ping_pending_ = false;
            if (!reply) {
                const auto code = reply.error().code;
                if (code == ErrorCode::hello_required) {
                    // The peer restarted and forgot us (§6.1).
                    heard();
                    version_.reset();
                    say_hello();
                } else if (code != ErrorCode::timeout && code != ErrorCode::unavailable) {
                    // Refused (a peer that does not trust us yet answers
                    // `untrusted`), but answered: it is there.
                    heard();
                }
                return;
            }
            const double sample =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count();
            rtt_ms_ = rtt_ms_ ? *rtt_ms_ + (sample - *rtt_ms_) / 8 : sample;
            heard();
            if (auto it = reply->body.find("subscriptions");
                options_.on_ping_reply && it != reply->body.end() && it->is_object()) {
                options_.on_ping_reply(*it);
            }
        });
}

void PeerLink::heard() {
    last_seen_ = std::chrono::steady_clock::now();
    if (state_ == PeerState::offline && version_) {
        set_state(PeerState::online);
    }
    // Offline exactly when the silence is over (§8.2), not at the next tick:
    // a peer killed is seen gone within 3 s of its last message.
    silence_.expires_after(options_.offline_after);
    silence_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (ec || !alive.lock() || state_ != PeerState::online) {
            return;
        }
        // A peer that comes back may have restarted: hello again.
        hello_.reset();
        version_.reset();
        set_state(PeerState::offline);
    });
}

void PeerLink::set_state(PeerState state) {
    if (state == state_) {
        return;
    }
    state_ = state;
    if (state != PeerState::online) {
        link_.fail_pending(ErrorCode::unavailable, "the peer is offline");
        hello_pending_ = ping_pending_ = false;
    }
    on_state_(state);
}

} // namespace rocd::p2p
