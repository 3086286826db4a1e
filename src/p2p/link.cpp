#include "p2p/link.h"

#include "p2p/sockets.h"

#include <algorithm>

#include <boost/asio/post.hpp>

namespace rocd::p2p {

Link::Link(boost::asio::io_context& io, zmq::context_t& context, const Identity& self, const RawKey& peer_key,
           const std::string& endpoint, OneWay on_one_way)
    : io_(io), on_one_way_(std::move(on_one_way)),
      channel_(io, dealer_socket(context, self, peer_key, endpoint),
               [this](Frames& frames) { on_frames(frames); }) {}

Link::~Link() {
    *alive_ = false;
}

void Link::say_bye(std::string_view reason, std::chrono::milliseconds linger) {
    Message m;
    m.type = "bye";
    m.body = {{"reason", std::string(reason)}};
    const std::string encoded = encode(m);
    Frames frames;
    frames.emplace_back(encoded.data(), encoded.size());
    if (channel_.send(std::move(frames))) {
        channel_.socket().set(zmq::sockopt::linger, static_cast<int>(linger.count()));
    }
}

void Link::request(std::string type, nlohmann::json body, std::chrono::milliseconds timeout, Done done) {
    if (pending_.size() >= max_pending) {
        return finish_later(
            std::move(done),
            tl::unexpected(RequestError {ErrorCode::busy, "too many requests wait for this peer", nullptr}));
    }
    Message m;
    m.type = std::move(type);
    m.id = next_id_++;
    m.timeout_ms = static_cast<std::uint32_t>(std::clamp<std::int64_t>(timeout.count(), 1, max_timeout_ms));
    m.body = std::move(body);
    Frames frames;
    const std::string encoded = encode(m);
    frames.emplace_back(encoded.data(), encoded.size());
    if (!channel_.send(std::move(frames))) {
        return finish_later(
            std::move(done),
            tl::unexpected(RequestError {ErrorCode::unavailable, "no connection to the peer", nullptr}));
    }
    auto timer = std::make_unique<boost::asio::steady_timer>(io_, timeout);
    timer->async_wait([this, id = *m.id,
                       alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (ec || !alive.lock()) {
            return;
        }
        finish(id,
               tl::unexpected(RequestError {ErrorCode::timeout, "the peer did not answer in time", nullptr}));
    });
    pending_.emplace(*m.id, Pending {m.type, std::move(done), std::move(timer)});
}

void Link::fail_pending(ErrorCode code, const std::string& detail) {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& [id, p] : pending) {
        p.deadline->cancel();
        finish_later(std::move(p.done), tl::unexpected(RequestError {code, detail, nullptr}));
    }
}

void Link::on_frames(Frames& frames) {
    if (frames.size() != 1) {
        ++dropped_;
        return;
    }
    auto message = decode(frame_text(frames[0]));
    if (!message) {
        ++dropped_;
        if (message.error().replies_to) {
            // The answer came but cannot be read: no use waiting for it.
            finish(*message.error().replies_to,
                   tl::unexpected(RequestError {ErrorCode::malformed,
                                                "the peer's reply is malformed: " + message.error().detail,
                                                nullptr}));
        }
        return;
    }
    if (!message->re) {
        if (kind_of(message->type) == MessageKind::one_way) {
            on_one_way_(*message);
        } else {
            ++dropped_; // the peer's requests come on its own DEALER, never here
        }
        return;
    }
    auto it = pending_.find(*message->re);
    if (it == pending_.end()) {
        ++dropped_; // late, or answers nothing we asked
        return;
    }
    if (message->type == "error") {
        const auto& body = message->body;
        auto code = error_code_of(body.value("code", std::string())).value_or(ErrorCode::internal);
        return finish(*message->re, tl::unexpected(RequestError {code, body.value("detail", std::string()),
                                                                 body.value("problem", nlohmann::json())}));
    }
    if (message->type != it->second.type + "_reply") {
        ++dropped_;
        return finish(*message->re,
                      tl::unexpected(RequestError {
                          ErrorCode::malformed,
                          "the peer answered " + it->second.type + " with " + message->type, nullptr}));
    }
    finish(*message->re, std::move(*message));
}

void Link::finish(std::uint64_t id, Reply reply) {
    auto it = pending_.find(id);
    if (it == pending_.end()) {
        return;
    }
    Pending p = std::move(it->second);
    pending_.erase(it);
    p.deadline->cancel();
    p.done(std::move(reply));
}

void Link::finish_later(Done done, Reply reply) {
    boost::asio::post(
        io_, [done = std::move(done), reply = std::move(reply)]() mutable { done(std::move(reply)); });
}

} // namespace rocd::p2p
