#include <gtest/gtest.h>

#include "api/http/router.h"
#include "api/routes/event_stream.h"
#include "api/routes/events.h"

namespace rocd::api {
namespace {

// A client that reads nothing until told: its queue only grows.
class FakeSink : public StreamSink {
public:
    void send(SharedText data) override {
        messages.push_back(*data);
        shared.push_back(std::move(data));
    }
    std::size_t queued() const override { return messages.size() - drained; }
    void finish() override { finished = true; }

    std::string all() const {
        std::string out;
        for (const auto& m : messages) {
            out += m;
        }
        return out;
    }

    std::vector<std::string> messages;
    std::vector<SharedText> shared;
    std::size_t drained = 0;
    bool finished = false;
};

class EventStreamTest : public ::testing::Test {
protected:
    boost::asio::io_context io_;
    events::EventBus bus_ {16, 1, sse_event};
    std::shared_ptr<std::size_t> clients_ = std::make_shared<std::size_t>(0);
};

TEST_F(EventStreamTest, formats_events_as_sse_messages) {
    EXPECT_EQ(sse_message("port_added", {{"a", "x\ny"}}, 7),
              "id: 7\nevent: port_added\ndata: {\"a\":\"x\\ny\"}\n\n");
    EXPECT_EQ(sse_message("snapshot_end", {}, std::nullopt), "event: snapshot_end\ndata: null\n\n");
}

TEST_F(EventStreamTest, replays_then_snapshots_then_forwards_live_events) {
    bus_.add_snapshot_source([] { return std::vector<events::Snapshot> {{"peer", "/peers/a", {{"n", 1}}}}; });
    bus_.publish(events::type::peer_updated, "/peers/a", {{"n", 1}});
    bus_.publish(events::type::peer_updated, "/peers/a", {{"n", 2}});

    auto stream =
        std::make_shared<EventStream>(io_, bus_, EventStreamOptions {}, events::Filter {}, 1, true, clients_);
    FakeSink sink;
    stream->start(sink);
    bus_.publish(events::type::peer_updated, "/peers/a", {{"n", 3}});

    const std::string text = sink.all();
    const auto replayed = text.find("id: 2\n");
    const auto snapshot = text.find("event: snapshot\n");
    const auto end = text.find("event: snapshot_end\ndata: {\"last_event_id\":2}");
    const auto live = text.find("id: 3\n");
    ASSERT_NE(replayed, std::string::npos) << text;
    ASSERT_NE(snapshot, std::string::npos) << text;
    ASSERT_NE(end, std::string::npos) << text;
    ASSERT_NE(live, std::string::npos) << text;
    EXPECT_LT(replayed, snapshot);
    EXPECT_LT(snapshot, end);
    EXPECT_LT(end, live);
    EXPECT_EQ(text.find("id: 1\n"), std::string::npos);
    stream->stop();
    EXPECT_EQ(bus_.subscriber_count(), 0u);
}

TEST_F(EventStreamTest, clients_share_each_event_s_text_rather_than_copy_it) {
    // What a replaying client queues is the history's own text: many slow
    // clients replaying the whole history cost pointers, not copies.
    bus_.publish(events::type::peer_updated, "/peers/a", {{"n", 1}});
    bus_.publish(events::type::peer_updated, "/peers/a", {{"n", 2}});
    auto replaying = std::make_shared<EventStream>(io_, bus_, EventStreamOptions {}, events::Filter {}, 0,
                                                   false, clients_);
    auto live = std::make_shared<EventStream>(io_, bus_, EventStreamOptions {}, events::Filter {},
                                              std::nullopt, false, clients_);
    FakeSink first;
    FakeSink second;
    replaying->start(first);
    live->start(second);
    bus_.publish(events::type::peer_updated, "/peers/a", {{"n", 3}});

    ASSERT_EQ(first.shared.size(), 4u);  // retry, 2 replayed, 1 live
    ASSERT_EQ(second.shared.size(), 2u); // retry, 1 live
    EXPECT_EQ(first.messages[1], "id: 1\nevent: peer_updated\ndata: {\"n\":1}\n\n");
    auto replay = bus_.replay_after(0, {});
    ASSERT_EQ(replay.events.size(), 3u);
    EXPECT_EQ(first.shared[1].get(), replay.events[0].rendered.get());
    EXPECT_EQ(first.shared[2].get(), replay.events[1].rendered.get());
    EXPECT_EQ(first.shared[3].get(), second.shared[1].get());
    replaying->stop();
    live->stop();
}

TEST_F(EventStreamTest, slow_client_gets_overflow_and_is_disconnected) {
    EventStreamOptions options;
    options.max_queued = 5;
    auto stream =
        std::make_shared<EventStream>(io_, bus_, options, events::Filter {}, std::nullopt, false, clients_);
    FakeSink sink;
    stream->start(sink); // queues the retry line
    for (int i = 0; i < 10; i++) {
        bus_.publish(events::type::peer_updated, "/peers/a", {});
    }
    EXPECT_TRUE(sink.finished);
    EXPECT_NE(sink.messages.back().find("event: overflow"), std::string::npos);
    EXPECT_EQ(sink.messages.size(), 6u); // retry + 4 events + overflow
    EXPECT_EQ(bus_.subscriber_count(), 0u);
    stream->stop();
}

TEST_F(EventStreamTest, overflow_before_any_live_event_reports_where_the_client_was_current) {
    bus_.publish(events::type::peer_updated, "/peers/a", {});
    const auto replayed = bus_.publish(events::type::peer_updated, "/peers/a", {});
    EventStreamOptions options;
    for (std::optional<std::uint64_t> last_id :
         {std::optional<std::uint64_t> {1}, std::optional<std::uint64_t> {}}) {
        options.max_queued = last_id ? 2 : 1; // the retry line (and the replayed event): full
        auto stream =
            std::make_shared<EventStream>(io_, bus_, options, events::Filter {}, last_id, false, clients_);
        FakeSink sink;
        stream->start(sink);
        const auto dropped = bus_.publish(events::type::peer_updated, "/peers/a", {});
        ASSERT_TRUE(sink.finished);
        const std::string expected = last_id ? std::to_string(replayed) : std::to_string(dropped - 1);
        EXPECT_NE(sink.messages.back().find("\"last_delivered_id\":" + expected), std::string::npos)
            << sink.messages.back();
        EXPECT_NE(sink.messages.back().find("\"dropped_id\":" + std::to_string(dropped)), std::string::npos)
            << sink.messages.back();
        stream->stop();
    }
}

TEST_F(EventStreamTest, a_client_that_keeps_up_never_overflows) {
    EventStreamOptions options;
    options.max_queued = 2;
    auto stream =
        std::make_shared<EventStream>(io_, bus_, options, events::Filter {}, std::nullopt, false, clients_);
    FakeSink sink;
    stream->start(sink);
    for (int i = 0; i < 100; i++) {
        sink.drained = sink.messages.size();
        bus_.publish(events::type::peer_updated, "/peers/a", {});
    }
    EXPECT_FALSE(sink.finished);
    stream->stop();
}

TEST_F(EventStreamTest, sends_heartbeats) {
    EventStreamOptions options;
    options.heartbeat = std::chrono::milliseconds(1);
    auto stream =
        std::make_shared<EventStream>(io_, bus_, options, events::Filter {}, std::nullopt, false, clients_);
    FakeSink sink;
    stream->start(sink);
    io_.run_one(); // the first heartbeat timer fires
    EXPECT_EQ(sink.messages.back(), ": heartbeat\n\n");
    stream->stop();
    io_.run(); // the cancelled timer completes; no more heartbeats
    EXPECT_EQ(sink.messages.back(), ": heartbeat\n\n");
}

TEST_F(EventStreamTest, a_self_uri_filter_matches_events_named_by_the_self_uid) {
    const Uid self = Uid::derive("peer", "self");
    const Uid other = Uid::derive("peer", "other");
    const std::string mine = "/peers/" + self.str() + "/ports/" + Uid::derive("port", "a").str();
    const std::string theirs = "/peers/" + other.str() + "/ports/" + Uid::derive("port", "b").str();
    bus_.add_snapshot_source([&] {
        return std::vector<events::Snapshot> {{"port", mine, {{"n", "mine"}}},
                                              {"port", theirs, {{"n", "theirs"}}}};
    });
    EventStreamOptions options;
    options.self_uid = self;
    Router router;
    add_event_routes(router, io_, bus_, options);

    for (const char* uri : {"/peers/self/ports", "/peers/self", "/peers/self/ports/,/streams"}) {
        const std::string target = std::string("/events?snapshot=true&uri=") + uri;
        Reply reply = router.dispatch(Request {http::verb::get, target, 11});
        ASSERT_TRUE(reply.stream) << target << ": " << reply.response.body();
        FakeSink sink;
        reply.stream->start(sink);
        bus_.publish(events::type::port_updated, mine, {{"n", "mine"}});
        bus_.publish(events::type::port_updated, theirs, {{"n", "theirs"}});
        const std::string text = sink.all();
        EXPECT_NE(text.find("event: snapshot\ndata: {\"kind\":\"port\",\"resource\":{\"n\":\"mine\"}"),
                  std::string::npos)
            << target << ": " << text;
        EXPECT_NE(text.find("event: port_updated\ndata: {\"n\":\"mine\"}"), std::string::npos)
            << target << ": " << text;
        EXPECT_EQ(text.find("theirs"), std::string::npos) << target << ": " << text;
        reply.stream->stop();
    }

    // "/peers/selfish" is not self; a stranger's uid still works as given.
    Reply reply = router.dispatch(Request {http::verb::get, "/events?uri=/peers/selfish," + theirs, 11});
    ASSERT_TRUE(reply.stream);
    FakeSink sink;
    reply.stream->start(sink);
    bus_.publish(events::type::port_updated, mine, {{"n", "mine"}});
    bus_.publish(events::type::port_updated, theirs, {{"n", "theirs"}});
    EXPECT_EQ(sink.all().find("mine"), std::string::npos) << sink.all();
    EXPECT_NE(sink.all().find("theirs"), std::string::npos) << sink.all();
    reply.stream->stop();
}

} // namespace
} // namespace rocd::api
