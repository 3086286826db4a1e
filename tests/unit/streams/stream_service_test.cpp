#include "stream_service_fixture.h"

namespace rocd::streams {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

TEST_F(StreamServiceTest, carries_tone_from_capture_port_to_playback_port_over_udp) {
    const std::string media = "rtp://127.0.0.1:" + std::to_string(free_udp_port());
    auto rx = service_->create(receive_body(media, "spk_b"));
    ASSERT_TRUE(rx) << rx.error().message;
    auto tx = service_->create(send_body("mic_a", media));
    ASSERT_TRUE(tx) << tx.error().message;
    EXPECT_EQ((*tx)["state"], "starting");
    EXPECT_EQ((*tx)["direction"], "send");
    EXPECT_EQ((*rx)["stream_uri"], "/streams/" + (*rx)["stream_uid"].get<std::string>());

    EXPECT_EQ(wait_state((*tx)["stream_uid"], "active"), "active");
    EXPECT_EQ(wait_state((*rx)["stream_uid"], "active"), "active");
    run_for(600ms);

    auto tx_now = *service_->get(*Uid::parse((*tx)["stream_uid"].get<std::string>()));
    auto rx_now = *service_->get(*Uid::parse((*rx)["stream_uid"].get<std::string>()));
    EXPECT_GT(tx_now["metrics"]["packets_sent"].get<std::uint64_t>(), 50u);
    EXPECT_GT(rx_now["metrics"]["packets_received"].get<std::uint64_t>(), 50u);
    EXPECT_EQ(rx_now["metrics"]["sessions"], 1);

    const auto recording = driver_->recording("spk_b");
    ASSERT_GT(recording.size(), 48000u); // > 0.5 s of stereo
    const std::vector<float> tail(recording.end() - 48000, recording.end());
    const double tone = power_at(tail, 2, 1000.0, 48000);
    const double other = power_at(tail, 2, 440.0, 48000);
    EXPECT_GT(tone, 0.01) << "1 kHz tone not received";
    EXPECT_GT(tone, 100 * other);

    EXPECT_EQ(std::count(events_.begin(), events_.end(), "stream_added"), 2);
    EXPECT_GE(std::count(events_.begin(), events_.end(), "stream_state_changed"), 2);
}

TEST_F(StreamServiceTest, waits_for_a_removed_port_and_resumes_when_it_returns) {
    const std::string media = "rtp://127.0.0.1:" + std::to_string(free_udp_port());
    auto tx = service_->create(send_body("mic_a", media));
    ASSERT_TRUE(tx);
    const std::string uid = (*tx)["stream_uid"];
    EXPECT_EQ(wait_state(uid, "active"), "active");

    ASSERT_TRUE(driver_->unplug("mic_a"));
    EXPECT_EQ(wait_state(uid, "waiting_for_port"), "waiting_for_port");
    EXPECT_EQ(driver_->open_io_count(), 0u);

    ASSERT_TRUE(driver_->plug(device("mic_a", PortDirection::input, 1, 1000.0)));
    EXPECT_EQ(wait_state(uid, "active"), "active");
}

TEST_F(StreamServiceTest, refuses_invalid_streams_and_leaves_nothing_behind) {
    const std::uint16_t port = free_udp_port();
    const std::string media = "rtp://127.0.0.1:" + std::to_string(port);
    struct Case {
        json body;
        Errc code;
        std::string field;
    };
    const std::vector<Case> cases = {
        {[&] {
             json b = send_body("mic_a", media);
             b["source"]["port_uri"] = "/peers/self/ports/aaaaaa-bbbbbb-cccccc";
             return b;
         }(),
         Errc::not_found, "source.port_uri"},
        {receive_body(media, "mic_a"), Errc::invalid_argument, "destination.port_uri"},
        {send_body("mic_a", "rtp://127.0.0.1"), Errc::invalid_argument, "destination.media_uri"},
        {send_body("mic_a", "http://127.0.0.1:80"), Errc::invalid_argument, "destination.media_uri"},
        {receive_body("rtcp://127.0.0.1:4000", "spk_b"), Errc::invalid_argument, "source.media_uri"},
        {[&] {
             json b = send_body("mic_a", media);
             b["settings"]["channels"] = 0;
             return b;
         }(),
         Errc::invalid_argument, "settings.channels"},
    };
    for (const auto& c : cases) {
        auto out = service_->create(c.body);
        ASSERT_FALSE(out) << c.body.dump();
        EXPECT_EQ(out.error().code, c.code) << c.body.dump() << ": " << out.error().message;
        EXPECT_EQ(out.error().field, c.field) << c.body.dump() << ": " << out.error().message;
    }

    // FEC: refused by the transport until it supports it, accepted after.
    json fec = send_body("mic_a", "rtp+rs8m://127.0.0.1:" + std::to_string(port));
    fec["destination"]["repair_uri"] = "rs8m://127.0.0.1:" + std::to_string(port + 1);
    if (auto out = service_->create(fec); !out) {
        EXPECT_EQ(out.error().code, Errc::unsupported) << out.error().message;
        EXPECT_TRUE(out.error().field.starts_with("destination.")) << out.error().field;
    } else {
        ASSERT_TRUE(service_->remove(*Uid::parse((*out)["stream_uid"].get<std::string>())));
    }

    // An address another stream holds.
    auto rx = service_->create(receive_body(media, "spk_b"));
    ASSERT_TRUE(rx);
    auto again = service_->create(receive_body(media, "spk_b"));
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, Errc::conflict);
    EXPECT_EQ(again.error().field, "source.media_uri");

    EXPECT_EQ(service_->size(), 1u);
    EXPECT_EQ(stored(), 1u);
    EXPECT_EQ(driver_->open_io_count(), 1u);
}

TEST_F(StreamServiceTest, restores_streams_after_restart) {
    const std::string media = "rtp://127.0.0.1:" + std::to_string(free_udp_port());
    auto tx = service_->create(send_body("mic_a", media));
    ASSERT_TRUE(tx);
    auto rx = service_->create(receive_body(media, "spk_b"));
    ASSERT_TRUE(rx);

    open_service();
    EXPECT_EQ(service_->size(), 2u);
    auto restored = service_->get(*Uid::parse((*tx)["stream_uid"].get<std::string>()));
    ASSERT_TRUE(restored);
    EXPECT_EQ((*restored)["destination"]["media_uri"], media);
    EXPECT_EQ((*restored)["settings"]["packet_length_ms"], 5);
    EXPECT_EQ(wait_state((*rx)["stream_uid"], "active"), "active");

    // A port that is gone at start-up: waiting_for_port, then resumes.
    service_.reset();
    streams_.reset();
    ASSERT_TRUE(driver_->unplug("mic_a"));
    open_service();
    const std::string uid = (*tx)["stream_uid"];
    EXPECT_EQ((*service_->get(*Uid::parse(uid)))["state"], "waiting_for_port");
    ASSERT_TRUE(driver_->plug(device("mic_a", PortDirection::input, 1, 1000.0)));
    EXPECT_EQ(wait_state(uid, "active"), "active");
}

TEST_F(StreamServiceTest, restores_unbindable_stream_in_error) {
    const std::uint16_t port = free_udp_port();
    const std::string media = "rtp://127.0.0.1:" + std::to_string(port);
    auto rx = service_->create(receive_body(media, "spk_b"));
    ASSERT_TRUE(rx);
    service_.reset();
    streams_.reset();

    const int fd = bound_udp_socket(port);
    ASSERT_GE(fd, 0);
    open_service();
    auto restored = *service_->get(*Uid::parse((*rx)["stream_uid"].get<std::string>()));
    EXPECT_EQ(restored["state"], "error");
    EXPECT_NE(restored["error"].get<std::string>().find("bind"), std::string::npos) << restored.dump();
    close(fd);
}

TEST_F(StreamServiceTest, updates_settings_by_restarting_and_keeps_old_ones_on_failure) {
    const std::string media = "rtp://127.0.0.1:" + std::to_string(free_udp_port());
    auto rx = service_->create(receive_body(media, "spk_b"));
    ASSERT_TRUE(rx);
    const Uid uid = *Uid::parse((*rx)["stream_uid"].get<std::string>());

    auto changed = service_->update(uid, {{"settings", {{"target_latency_ms", 100}}}});
    ASSERT_TRUE(changed) << changed.error().message;
    EXPECT_EQ((*changed)["settings"]["target_latency_ms"], 100);
    EXPECT_EQ((*changed)["state"], "starting");

    auto bad = service_->update(uid, {{"settings", {{"channels", 99}}}});
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "settings.channels");
    auto bad_field = service_->update(uid, {{"source", json::object()}});
    ASSERT_FALSE(bad_field);
    EXPECT_EQ(bad_field.error().field, "source");

    auto now = *service_->get(uid);
    EXPECT_EQ(now["settings"]["target_latency_ms"], 100);
    EXPECT_NE(now["state"], "error");
    EXPECT_EQ(driver_->open_io_count(), 1u);
    auto stored_spec = json::parse(store_->streams().get(uid)->spec);
    EXPECT_EQ(stored_spec["settings"]["target_latency_ms"], 100);
    EXPECT_EQ(std::count(events_.begin(), events_.end(), "stream_updated"), 1);
}

TEST_F(StreamServiceTest, an_update_keeps_the_receive_port_so_no_other_socket_can_take_it) {
    const std::uint16_t port = free_udp_port();
    auto rx = service_->create(receive_body("rtp://127.0.0.1:" + std::to_string(port), "spk_b"));
    ASSERT_TRUE(rx);
    const Uid uid = *Uid::parse((*rx)["stream_uid"].get<std::string>());
    // While the stream reopens its device, something else binds the port
    // (another stream's sender picking an ephemeral one, say).
    int intruder = -1;
    bool taken = false;
    driver_->on_open_io([&](const drivers::DeviceIoSpec&) {
        intruder = socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port);
        taken = bind(intruder, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    });
    auto changed = service_->update(uid, {{"settings", {{"target_latency_ms", 100}}}});
    driver_->on_open_io({});
    ASSERT_GE(intruder, 0) << "the update did not reopen the device";
    close(intruder);
    EXPECT_FALSE(taken);
    ASSERT_TRUE(changed) << changed.error().message;
    EXPECT_EQ((*changed)["state"], "starting");
}

TEST_F(StreamServiceTest, removes_stream_and_frees_its_address) {
    const std::string media = "rtp://127.0.0.1:" + std::to_string(free_udp_port());
    auto rx = service_->create(receive_body(media, "spk_b"));
    ASSERT_TRUE(rx);
    const Uid uid = *Uid::parse((*rx)["stream_uid"].get<std::string>());
    ASSERT_TRUE(service_->remove(uid));
    EXPECT_EQ(service_->remove(uid).error().code, Errc::not_found);
    EXPECT_EQ(service_->size(), 0u);
    EXPECT_EQ(stored(), 0u);
    EXPECT_EQ(driver_->open_io_count(), 0u);
    EXPECT_TRUE(service_->create(receive_body(media, "spk_b")));
    EXPECT_EQ(std::count(events_.begin(), events_.end(), "stream_removed"), 1);
}

TEST_F(StreamServiceTest, holds_its_port_so_it_stays_listed_and_cannot_be_deleted) {
    auto speaker = test::await<Port>(io_, [this](auto done) {
        ports_->create_virtual({.direction = PortDirection::output}, std::move(done));
    });
    ASSERT_TRUE(speaker) << speaker.error().message;
    const std::string media = "rtp://127.0.0.1:" + std::to_string(free_udp_port());
    json body = send_body("mic_a", media);
    body["source"]["port_uri"] = "/peers/self/ports/" + speaker->uid.str();
    auto tx = service_->create(body);
    ASSERT_TRUE(tx) << tx.error().message;
    EXPECT_EQ(ports_->references(speaker->uid), 1);

    auto refused = remove_port(speaker->uid);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, Errc::conflict);
    EXPECT_TRUE(ports_->find(speaker->uid));

    // A system device a stream uses stays listed (absent) while unplugged,
    // and after a restart.
    auto rx = service_->create(receive_body("rtp://127.0.0.1:" + std::to_string(free_udp_port()), "spk_b"));
    ASSERT_TRUE(rx);
    ASSERT_TRUE(driver_->unplug("spk_b"));
    run_for(100ms);
    auto absent = ports_->find(port_uid("spk_b"));
    ASSERT_TRUE(absent);
    EXPECT_FALSE(absent->present);
    open_service();
    EXPECT_TRUE(ports_->find(port_uid("spk_b")));
    EXPECT_EQ(ports_->references(port_uid("spk_b")), 1);
    EXPECT_EQ(ports_->references(speaker->uid), 1);

    ASSERT_TRUE(service_->remove(*Uid::parse((*tx)["stream_uid"].get<std::string>())));
    EXPECT_EQ(ports_->references(speaker->uid), 0);
    EXPECT_TRUE(remove_port(speaker->uid));
}

TEST_F(StreamServiceTest, creates_a_stream_of_an_absent_port_waiting_for_it) {
    auto rx = service_->create(receive_body("rtp://127.0.0.1:" + std::to_string(free_udp_port()), "spk_b"));
    ASSERT_TRUE(rx);
    ASSERT_TRUE(service_->remove(*Uid::parse((*rx)["stream_uid"].get<std::string>())));
    ASSERT_TRUE(driver_->unplug("spk_b"));
    run_for(100ms);
    ASSERT_TRUE(ports_->find(port_uid("spk_b"))); // listed: its row stays

    // Addresses and settings are still checked while the port is absent.
    auto refused = service_->create(receive_body("rtp://127.0.0.1", "spk_b"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().field, "source.media_uri");

    auto waiting =
        service_->create(receive_body("rtp://127.0.0.1:" + std::to_string(free_udp_port()), "spk_b"));
    ASSERT_TRUE(waiting) << waiting.error().message;
    EXPECT_EQ((*waiting)["state"], "waiting_for_port");
    EXPECT_EQ(driver_->open_io_count(), 0u);
    ASSERT_TRUE(driver_->plug(device("spk_b", PortDirection::output, 2, 440.0)));
    EXPECT_EQ(wait_state((*waiting)["stream_uid"], "idle"), "idle");
    EXPECT_EQ(driver_->open_io_count(), 1u);
}

TEST_F(StreamServiceTest, creates_a_stream_waiting_for_a_port_whose_device_went_away_while_listed) {
    // The driver has lost the device, and the port service has not heard
    // yet (as while PipeWire stops): the stream waits for its port rather
    // than the request failing with "not found" for a port just listed.
    ASSERT_TRUE(driver_->unplug("spk_b"));
    ASSERT_TRUE(ports_->find(port_uid("spk_b"))->present);
    auto waiting =
        service_->create(receive_body("rtp://127.0.0.1:" + std::to_string(free_udp_port()), "spk_b"));
    ASSERT_TRUE(waiting) << waiting.error().message;
    EXPECT_EQ((*waiting)["state"], "waiting_for_port");
    EXPECT_EQ(service_->size(), 1u);
    ASSERT_TRUE(driver_->plug(device("spk_b", PortDirection::output, 2, 440.0)));
    EXPECT_EQ(wait_state((*waiting)["stream_uid"], "idle"), "idle");
}

TEST_F(StreamServiceTest, a_send_stream_with_a_control_address_shows_the_receivers_report) {
    const std::string media = "rtp://127.0.0.1:" + std::to_string(free_udp_port());
    const std::string control = "rtcp://127.0.0.1:" + std::to_string(free_udp_port());
    json rx_body = receive_body(media, "spk_b");
    rx_body["source"]["control_uri"] = control;
    auto rx = service_->create(rx_body);
    ASSERT_TRUE(rx) << rx.error().message;
    json tx_body = send_body("mic_a", media);
    tx_body["destination"]["control_uri"] = control;
    auto tx = service_->create(tx_body);
    ASSERT_TRUE(tx) << tx.error().message;
    EXPECT_FALSE((*tx)["metrics"].contains("rtt_ms")) << "no report yet";

    // Reports go both ways every 200 ms; the RTT needs a sender report
    // echoed back in a receiver report.
    const Uid uid = *Uid::parse((*tx)["stream_uid"].get<std::string>());
    json metrics;
    for (int i = 0; i < 60 && !metrics.contains("rtt_ms"); ++i) {
        run_for(50ms);
        metrics = (*service_->get(uid))["metrics"];
    }
    ASSERT_TRUE(metrics.contains("rtt_ms")) << metrics.dump();
    EXPECT_GE(metrics["rtt_ms"].get<double>(), 0.0);
    EXPECT_LT(metrics["rtt_ms"].get<double>(), 1000.0);
    EXPECT_EQ(metrics["packets_lost"], 0);
    EXPECT_GE(metrics["jitter_ms"].get<double>(), 0.0);
}

TEST_F(StreamServiceTest, carries_tone_from_port_to_port_locally_and_waits_for_either_port) {
    json body = {{"source", {{"type", "port"}, {"port_uri", port_uri("mic_a")}}},
                 {"destination", {{"type", "port"}, {"port_uri", port_uri("spk_b")}}},
                 {"settings", {{"target_latency_ms", 60}}}};
    auto local = service_->create(body);
    ASSERT_TRUE(local) << local.error().message;
    EXPECT_EQ((*local)["direction"], "local");
    EXPECT_EQ((*local)["destination"]["port_uri"], port_uri("spk_b"));
    const std::string uid = (*local)["stream_uid"];
    EXPECT_EQ(wait_state(uid, "active"), "active");
    EXPECT_EQ(driver_->open_io_count(), 2u);
    EXPECT_EQ(ports_->references(port_uid("mic_a")), 1);
    EXPECT_EQ(ports_->references(port_uid("spk_b")), 1);
    run_for(600ms);

    auto now = *service_->get(*Uid::parse(uid));
    EXPECT_GT(now["metrics"]["packets_sent"].get<std::uint64_t>(), 50u);
    EXPECT_GT(now["metrics"]["packets_received"].get<std::uint64_t>(), 50u);
    const auto recording = driver_->recording("spk_b");
    ASSERT_GT(recording.size(), 48000u);
    const std::vector<float> tail(recording.end() - 48000, recording.end());
    EXPECT_GT(power_at(tail, 2, 1000.0, 48000), 0.01) << "1 kHz tone not played";
    EXPECT_GT(power_at(tail, 2, 1000.0, 48000), 100 * power_at(tail, 2, 440.0, 48000));

    // Either port going away stops both sides; both back: it resumes.
    ASSERT_TRUE(driver_->unplug("spk_b"));
    EXPECT_EQ(wait_state(uid, "waiting_for_port"), "waiting_for_port");
    EXPECT_EQ(driver_->open_io_count(), 0u);
    ASSERT_TRUE(driver_->unplug("mic_a"));
    ASSERT_TRUE(driver_->plug(device("spk_b", PortDirection::output, 2, 440.0)));
    run_for(200ms);
    EXPECT_EQ((*service_->get(*Uid::parse(uid)))["state"], "waiting_for_port");
    ASSERT_TRUE(driver_->plug(device("mic_a", PortDirection::input, 1, 1000.0)));
    EXPECT_EQ(wait_state(uid, "active"), "active");

    // Restored as a local stream; deleting it frees both ports.
    open_service();
    EXPECT_EQ(wait_state(uid, "active"), "active");
    ASSERT_TRUE(service_->remove(*Uid::parse(uid)));
    EXPECT_EQ(ports_->references(port_uid("mic_a")), 0);
    EXPECT_EQ(ports_->references(port_uid("spk_b")), 0);
    EXPECT_EQ(driver_->open_io_count(), 0u);
}

TEST_F(StreamServiceTest, refuses_a_local_stream_into_a_microphone) {
    json body = {{"source", {{"type", "port"}, {"port_uri", port_uri("spk_b")}}},
                 {"destination", {{"type", "port"}, {"port_uri", port_uri("mic_a")}}}};
    auto out = service_->create(body);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().field, "destination.port_uri");
    EXPECT_EQ(service_->size(), 0u);
    EXPECT_EQ(driver_->open_io_count(), 0u);
    EXPECT_EQ(ports_->references(port_uid("spk_b")), 0);
}

} // namespace
} // namespace rocd::streams
