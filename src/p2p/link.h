// One DEALER towards one peer (docs/p2p.md §4.1, §7): requests with ids
// and deadlines, their replies matched back, and the one-way messages the
// peer sends on this connection (deltas, bye) handed on. A reply that comes
// after its deadline, or answers nothing pending, is dropped and counted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>
#include <tl/expected.hpp>
#include <zmq.hpp>

#include "p2p/error_code.h"
#include "p2p/identity.h"
#include "p2p/message.h"
#include "p2p/zmq_channel.h"

namespace rocd::p2p {

/// Why a request got no reply of its type: the peer's `error` (its code,
/// detail and, if it sent one, the problem its REST API would answer), or
/// this side's timeout, unavailable (nothing connected) or busy.
struct RequestError {
    ErrorCode code;
    std::string detail;
    nlohmann::json problem; // null if none
};

class Link {
public:
    using Reply = tl::expected<Message, RequestError>;
    using Done = std::function<void(Reply)>;
    /// One-way messages from the peer on this connection.
    using OneWay = std::function<void(const Message&)>;

    /// At most this many requests wait for replies (§7.1).
    static constexpr std::size_t max_pending = 64;

    /// Connects to `endpoint` ("tcp://host:port") as a CURVE client of
    /// `peer_key`, with this daemon's keys and the options of §4.1.
    Link(boost::asio::io_context& io, zmq::context_t& context, const Identity& self, const RawKey& peer_key,
         const std::string& endpoint, OneWay on_one_way);
    ~Link();
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    /// Sends a request; `done` runs once, on the control plane, with the
    /// reply (`<type>_reply`) or why there is none. Never in this call.
    void request(std::string type, nlohmann::json body, std::chrono::milliseconds timeout, Done done);

    /// Sends the one-way `bye` (§8.3; `reason`: "shutdown" or "revoked") and
    /// lets the socket flush it for up to `linger` once it is closed (the
    /// context's end waits that long at most, never the control plane).
    void say_bye(std::string_view reason, std::chrono::milliseconds linger = std::chrono::milliseconds(250));

    /// Fails every pending request with `code` (the peer went offline).
    void fail_pending(ErrorCode code, const std::string& detail);

    std::size_t pending() const { return pending_.size(); }
    /// Replies dropped: late, unknown `re`, or not a reply.
    std::uint64_t dropped() const { return dropped_; }

private:
    struct Pending {
        std::string type;
        Done done;
        std::unique_ptr<boost::asio::steady_timer> deadline;
    };

    void on_frames(Frames& frames);
    void finish(std::uint64_t id, Reply reply);
    void finish_later(Done done, Reply reply);

    boost::asio::io_context& io_;
    OneWay on_one_way_;
    ZmqChannel channel_;
    std::map<std::uint64_t, Pending> pending_;
    std::uint64_t next_id_ = 1;
    std::uint64_t dropped_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace rocd::p2p
