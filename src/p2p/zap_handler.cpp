#include "p2p/zap_handler.h"

#include <cstring>
#include <string_view>

namespace rocd::p2p {

namespace {

zmq::socket_t bound_rep(zmq::context_t& context) {
    zmq::socket_t socket(context, zmq::socket_type::rep);
    socket.set(zmq::sockopt::linger, 0);
    socket.bind("inproc://zeromq.zap.01");
    return socket;
}

std::string_view text(const zmq::message_t& frame) {
    return {static_cast<const char*>(frame.data()), frame.size()};
}

zmq::message_t frame(std::string_view s) {
    return zmq::message_t(s.data(), s.size());
}

} // namespace

ZapHandler::ZapHandler(boost::asio::io_context& io, zmq::context_t& context, Decide decide)
    : decide_(std::move(decide)),
      channel_(io, bound_rep(context), [this](Frames& frames) { on_request(frames); }) {}

void ZapHandler::on_request(Frames& frames) {
    // version, request id, domain, address, routing id, mechanism, credentials...
    if (frames.size() < 6) {
        // Not a ZAP request libzmq would send; REP must still answer it.
        ++malformed_;
        Frames reply;
        reply.emplace_back(frame("1.0"));
        reply.emplace_back();
        reply.emplace_back(frame("400"));
        reply.emplace_back(frame("malformed ZAP request"));
        reply.emplace_back();
        reply.emplace_back();
        channel_.send(std::move(reply));
        return;
    }
    ZapVerdict verdict;
    std::string reason = "refused";
    if (text(frames[5]) == "CURVE" && frames.size() == 7 && frames[6].size() == 32) {
        RawKey key {};
        std::memcpy(key.data(), frames[6].data(), key.size());
        verdict = decide_(key, std::string(text(frames[3])));
        reason = verdict.status == 200 ? "OK" : verdict.status == 300 ? "try later" : "refused";
        ++answered_;
    } else {
        ++malformed_;
    }
    Frames reply;
    reply.emplace_back(frame("1.0"));
    reply.emplace_back(frames[1].data(), frames[1].size()); // the request id, echoed
    reply.emplace_back(frame(std::to_string(verdict.status)));
    reply.emplace_back(frame(reason));
    reply.emplace_back(frame(verdict.status == 200 ? verdict.user_id : std::string()));
    reply.emplace_back(); // no metadata
    channel_.send(std::move(reply));
}

} // namespace rocd::p2p
