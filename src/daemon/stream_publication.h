// This daemon's halves of cross-peer streams on the `streams` topic
// (docs/p2p.md §20.7): every committed change at once, and a half's
// metrics at most once a second, when they moved, so that the other end
// and a coordinator show both ends' figures without asking.
#pragma once

#include <map>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "p2p/listener.h"
#include "peers/topic_publisher.h"
#include "streams/stream_service.h"

namespace rocd::daemon {

class StreamPublication {
public:
    StreamPublication(boost::asio::io_context& io, p2p::Listener& listener, streams::StreamService& streams);
    ~StreamPublication();

    peers::TopicPublisher& publisher() { return publisher_; }

private:
    void publish(const char* event, const streams::StreamView& half);
    void tick();

    streams::StreamService& streams_;
    peers::TopicPublisher publisher_;
    streams::StreamService::Listeners::Id listener_;
    boost::asio::steady_timer timer_;
    /// What the last delta said of each half.
    std::map<Uid, nlohmann::json> published_;
};

} // namespace rocd::daemon
