#include "p2p/listener.h"

#include "p2p/sockets.h"

#include <algorithm>

namespace rocd::p2p {

namespace {

/// What a `busy` answer asks the requester to wait: a request budget
/// refills a token every few milliseconds.
constexpr int busy_retry_after_ms = 100;

// A metadata property of a received frame, "" if it has none (cppzmq's
// gets() throws then).
std::string property(zmq::message_t& m, const char* name) {
    const char* value = zmq_msg_gets(m.handle(), name);
    return value == nullptr ? "" : value;
}

// The request a failure answers, when only its id could be read.
Message request_with_id(std::uint64_t id) {
    Message m;
    m.id = id;
    return m;
}

} // namespace

Result<std::unique_ptr<Listener>> Listener::bind(boost::asio::io_context& io, zmq::context_t& context,
                                                 const Identity& self, Options options, Handler handler) {
    zmq::socket_t s = router_socket(context, self);
    try {
        s.bind(options.endpoint);
    } catch (const zmq::error_t& e) {
        return fail(e.num() == EADDRINUSE ? Errc::conflict : Errc::invalid_argument,
                    "cannot listen for peers on " + options.endpoint + ": " + e.what(), "p2p_listen");
    }
    const std::string bound = s.get(zmq::sockopt::last_endpoint);
    std::unique_ptr<Listener> listener(
        new Listener(io, std::move(s), std::move(options), std::move(handler)));
    listener->port_ = static_cast<std::uint16_t>(std::stoi(bound.substr(bound.rfind(':') + 1)));
    return listener;
}

Listener::Listener(boost::asio::io_context& io, zmq::socket_t socket, Options options, Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)),
      channel_(io, std::move(socket), [this](Frames& frames) { on_frames(frames); }) {}

const Hello* Listener::hello_of(const RawKey& key) const {
    auto it = hellos_.find(key);
    return it == hellos_.end() ? nullptr : &it->second;
}

std::optional<std::string> Listener::nonce_sent_to(const RawKey& key,
                                                   std::chrono::steady_clock::duration max_age) const {
    auto it = sent_nonces_.find(key);
    if (it == sent_nonces_.end() || std::chrono::steady_clock::now() - it->second.at > max_age) {
        return std::nullopt;
    }
    return it->second.nonce;
}

bool Listener::send(const std::string& routing_id, const Message& message) {
    Frames out;
    out.emplace_back(routing_id.data(), routing_id.size());
    const std::string encoded = encode(message);
    out.emplace_back(encoded.data(), encoded.size());
    return channel_.send(std::move(out));
}

bool Listener::reply(const Inbound& to, const Message& message) {
    return send(to.routing_id, message);
}

void Listener::on_frames(Frames& frames) {
    if (frames.size() != 2) {
        ++malformed_; // a DEALER sends one frame; the ROUTER adds the routing id
        return;
    }
    auto key = key_of_z85(property(frames[1], "User-Id"));
    if (!key) {
        ++malformed_; // not through our ZAP handler: nothing to answer for
        return;
    }
    const std::string routing_id = frame_text(frames[0]);
    auto message = decode(frame_text(frames[1]));
    if (options_.admit) {
        const auto admission =
            options_.admit(*key, message ? std::optional<MessageKind>(kind_of(message->type)) : std::nullopt);
        if (admission == Admission::drop) {
            ++dropped_;
            return;
        }
        if (admission == Admission::busy && message && kind_of(message->type) == MessageKind::request) {
            ++busy_;
            Message answer = error_reply(*message, ErrorCode::busy, "too many requests: slow down");
            answer.body["retry_after_ms"] = busy_retry_after_ms;
            send(routing_id, answer);
            return;
        }
    }
    if (!message) {
        ++(message.error().code == ErrorCode::unknown_type ? unknown_ : malformed_);
        if (message.error().request_id) {
            send(routing_id, error_reply(request_with_id(*message.error().request_id), message.error().code,
                                         message.error().detail));
        }
        return;
    }
    Inbound in {routing_id, *key, std::move(*message), property(frames[1], "Peer-Address")};
    const auto kind = kind_of(in.message.type);
    if (kind == MessageKind::reply) {
        ++malformed_; // replies travel ROUTER -> DEALER, never here
        return;
    }
    if (kind == MessageKind::request && in.message.type == "hello") {
        if (options_.may_hello && !options_.may_hello(in.key)) {
            return handler_(in);
        }
        return on_hello(in);
    }
    const Hello* hello = hello_of(in.key);
    if (kind == MessageKind::request && hello == nullptr) {
        send(routing_id, error_reply(in.message, ErrorCode::hello_required, "say hello first"));
        return;
    }
    if (hello != nullptr) {
        const int agreed = *negotiate(options_.versions, hello->versions);
        if (in.message.version != agreed) {
            if (kind == MessageKind::request) {
                send(routing_id, error_reply(in.message, ErrorCode::unsupported_version,
                                             "this connection speaks version " + std::to_string(agreed)));
            }
            return;
        }
    }
    if (in.message.type == "ping" && (!options_.may_ping || options_.may_ping(in.key))) {
        auto subscriptions =
            options_.subscriptions ? options_.subscriptions(in.key) : nlohmann::json::object();
        send(routing_id, reply_to(in.message, {{"subscriptions", std::move(subscriptions)}}));
        return;
    }
    handler_(in);
}

void Listener::on_hello(const Inbound& in) {
    auto hello = parse_hello(in.message.body);
    if (!hello) {
        send(in.routing_id, error_reply(in.message, ErrorCode::invalid_argument, hello.error().message));
        return;
    }
    // The hello exchange is frozen at version 1 (§6.1).
    Message answer;
    answer.version = 1;
    answer.re = in.message.id;
    const auto agreed = negotiate(options_.versions, hello->versions);
    if (!agreed) {
        answer.type = "error";
        answer.body = {{"code", "unsupported_version"},
                       {"detail", "no version in common"},
                       {"versions", {{"min", options_.versions.min}, {"max", options_.versions.max}}}};
        send(in.routing_id, answer);
        return;
    }
    if (!hellos_.contains(in.key)) {
        if (hellos_.size() >= max_hellos) {
            hellos_.erase(hello_order_.front());
            sent_nonces_.erase(hello_order_.front());
            hello_order_.pop_front();
        }
        hello_order_.push_back(in.key);
    }
    hellos_.insert_or_assign(in.key, std::move(*hello));
    Hello self = options_.self_hello();
    self.versions = options_.versions;
    self.nonce = fresh_nonce();
    sent_nonces_.insert_or_assign(in.key, SentNonce {self.nonce, std::chrono::steady_clock::now()});
    answer.type = "hello_reply";
    answer.body = hello_body(self);
    answer.body["version"] = *agreed;
    send(in.routing_id, answer);
    if (options_.on_hello) {
        options_.on_hello(in, hellos_.at(in.key));
    }
}

} // namespace rocd::p2p
