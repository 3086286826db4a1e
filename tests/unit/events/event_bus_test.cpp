#include <gtest/gtest.h>

#include "events/event_bus.h"

namespace rocd::events {
namespace {

TEST(EventBus, ids_increase_from_the_first_id) {
    EventBus bus(16, 1000);
    EXPECT_EQ(bus.last_id(), 999u);
    EXPECT_EQ(bus.publish(type::port_added, "/peers/self/ports/a", {}), 1000u);
    EXPECT_EQ(bus.publish(type::port_removed, "/peers/self/ports/a", {}), 1001u);
    EXPECT_EQ(bus.last_id(), 1001u);
}

TEST(EventBus, delivers_matching_events_to_subscribers) {
    EventBus bus;
    std::vector<std::string> got;
    Filter ports {{}, {"/peers/p/ports"}};
    bus.subscribe(ports, [&](const Event& e) { got.push_back(e.uri); });
    Filter states {{type::stream_state_changed}, {}};
    std::vector<std::string> states_got;
    bus.subscribe(states, [&](const Event& e) { states_got.push_back(e.type); });

    bus.publish(type::port_added, "/peers/p/ports/x", {});
    bus.publish(type::port_added, "/peers/p/portsx", {}); // not below the scope
    bus.publish(type::stream_added, "/streams/s", {});
    bus.publish(type::stream_state_changed, "/streams/s", {});
    EXPECT_EQ(got, std::vector<std::string>({"/peers/p/ports/x"}));
    EXPECT_EQ(states_got, std::vector<std::string>({type::stream_state_changed}));
}

TEST(EventBus, stream_metrics_go_only_to_who_asked_with_no_id_and_no_history) {
    EventBus bus;
    std::vector<Event> asked, all;
    Filter metrics {{}, {"/streams/a"}, true};
    bus.subscribe(metrics, [&](const Event& e) { asked.push_back(e); });
    bus.subscribe(Filter {}, [&](const Event& e) { all.push_back(e); });
    EXPECT_TRUE(bus.wants_metrics());
    bus.publish_metrics(type::stream_metrics, "/streams/a", {{"metrics", {{"latency_ms", 200}}}});
    bus.publish_metrics(type::stream_metrics, "/streams/b", {}); // outside the asker's uris
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_EQ(asked[0].id, 0u);
    EXPECT_EQ(asked[0].type, type::stream_metrics);
    EXPECT_TRUE(all.empty());
    EXPECT_EQ(bus.last_id(), 0u);
    EXPECT_TRUE(bus.replay_after(0, metrics).events.empty());
}

TEST(EventBus, unsubscribe_inside_a_callback_is_safe) {
    EventBus bus;
    int calls = 0;
    EventBus::SubscriberId id = 0;
    id = bus.subscribe({}, [&](const Event&) {
        calls++;
        bus.unsubscribe(id);
    });
    bus.publish(type::peer_updated, "/peers/a", {});
    bus.publish(type::peer_updated, "/peers/a", {});
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(bus.subscriber_count(), 0u);
}

TEST(EventBus, replays_from_history_and_reports_gaps) {
    EventBus bus(3);
    for (int i = 0; i < 5; i++) {
        bus.publish(type::peer_updated, "/peers/a", {{"n", i}});
    }
    auto recent = bus.replay_after(3, {});
    EXPECT_TRUE(recent.complete);
    ASSERT_EQ(recent.events.size(), 2u);
    EXPECT_EQ(recent.events[0].id, 4u);

    auto old = bus.replay_after(1, {}); // event 2 was dropped from history
    EXPECT_FALSE(old.complete);
    EXPECT_EQ(old.events.size(), 3u);

    EXPECT_TRUE(bus.replay_after(5, {}).events.empty());
    EXPECT_TRUE(bus.replay_after(99, {}).complete);
}

TEST(EventBus, an_id_from_an_earlier_run_is_a_gap) {
    EventBus bus(16, 5000);
    auto replay = bus.replay_after(12, {});
    EXPECT_FALSE(replay.complete);
    EXPECT_TRUE(replay.events.empty());
}

TEST(EventBus, snapshots_follow_uri_and_type_filters) {
    EventBus bus;
    bus.add_snapshot_source([] {
        return std::vector<Snapshot> {{"port", "/peers/p/ports/a", {}}, {"stream", "/streams/s", {}}};
    });
    EXPECT_EQ(bus.snapshot({}).size(), 2u);
    auto ports = bus.snapshot({{type::port_updated}, {}});
    ASSERT_EQ(ports.size(), 1u);
    EXPECT_EQ(ports[0].kind, "port");
    auto streams = bus.snapshot({{}, {"/streams"}});
    ASSERT_EQ(streams.size(), 1u);
    EXPECT_EQ(streams[0].uri, "/streams/s");
}

TEST(EventType, knows_every_published_type) {
    for (const char* t : {"peer_updated", "port_added", "port_updated", "port_removed", "stream_added",
                          "stream_updated", "stream_removed", "stream_state_changed"}) {
        EXPECT_TRUE(is_known_type(t)) << t;
    }
    EXPECT_FALSE(is_known_type("port"));
    EXPECT_FALSE(is_known_type(""));
}

} // namespace
} // namespace rocd::events
