#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "completion_wait.h"
#include "drivers/mock/mock_driver.h"
#include "signal.h"

using namespace rocd;
using namespace rocd::drivers;
using namespace std::chrono_literals;

namespace {

constexpr const char* fixture = R"({"devices": [
  {"name": "alsa_output.speakers", "display_name": "Speakers", "direction": "output",
   "channels": 2, "rate": 48000, "tone_hz": 440},
  {"name": "alsa_input.mic", "display_name": "Microphone", "direction": "input",
   "channels": 1, "rate": 44100, "tone_hz": 1000, "tone_level": 0.25, "volume": 0.5}
]})";

std::unique_ptr<MockDriver> make_mock() {
    auto devices = parse_mock_fixture(fixture);
    EXPECT_TRUE(devices) << devices.error().message;
    return std::make_unique<MockDriver>(std::move(*devices), MockDriver::Options {});
}

std::vector<float> read_all(DeviceIo& s) {
    std::vector<float> out(s.readable_frames() * s.format().channels);
    out.resize(s.read(out) * s.format().channels);
    return out;
}

} // namespace

TEST(MockDriver, lists_fixture_devices_sorted_by_name) {
    auto d = make_mock();
    auto devs = d->devices();
    ASSERT_EQ(devs.size(), 2u);
    EXPECT_EQ(devs[0].name, "alsa_input.mic");
    EXPECT_EQ(devs[0].direction, PortDirection::input);
    EXPECT_EQ(devs[0].channels, 1u);
    EXPECT_EQ(devs[0].positions, std::vector<std::string>({"MONO"}));
    EXPECT_EQ(devs[0].rate, 44100u);
    EXPECT_FLOAT_EQ(devs[0].volume, 0.5f);
    EXPECT_EQ(devs[1].display_name, "Speakers");
    EXPECT_EQ(devs[1].positions, std::vector<std::string>({"FL", "FR"}));
    EXPECT_FALSE(devs[1].is_virtual);
}

TEST(MockDriver, fixture_errors_name_the_field) {
    auto r = parse_mock_fixture(R"({"devices": [{"name": "a"}, {"name": "b", "rate": "fast"}]})");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().field, "devices[1].rate");
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_FALSE(parse_mock_fixture("{"));
    auto dup = parse_mock_fixture(R"({"devices": [{"name": "a"}, {"name": "a"}]})");
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().field, "devices[1].name");
}

TEST(MockDriver, port_uid_is_stable_and_driver_scoped) {
    EXPECT_EQ(port_uid("mock", "x"), port_uid("mock", "x"));
    EXPECT_NE(port_uid("mock", "x"), port_uid("pipewire", "x"));
    EXPECT_EQ(port_uid("pipewire", "x"), Uid::derive("port", "pipewire:x"));
}

TEST(MockDriver, capture_yields_the_device_tone_at_its_level) {
    auto d = make_mock();
    auto s = d->open_io({.device = "alsa_input.mic", .kind = IoKind::capture});
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ((*s)->format().rate, 44100u);
    EXPECT_EQ((*s)->format().channels, 1u);
    std::vector<float> got;
    for (int i = 0; i < 100; ++i) { // 1 s in 10 ms steps
        d->advance(10ms);
        auto chunk = read_all(**s);
        got.insert(got.end(), chunk.begin(), chunk.end());
    }
    ASSERT_EQ(got.size(), 44100u);
    EXPECT_NEAR(test::dominant_frequency(got, 44100, 900, 1100), 1000, 1);
    // tone_level 0.25 at volume 0.5
    EXPECT_NEAR(test::goertzel_amplitude(got, 1000, 44100), 0.125, 0.005);
    EXPECT_LT(test::max_step(got), 2 * 3.1416 * 1000 / 44100 * 0.125 * 1.1);
    EXPECT_EQ((*s)->stats().overruns, 0u);
}

TEST(MockDriver, capture_counts_overruns_when_nobody_reads) {
    auto d = make_mock();
    auto s = d->open_io({.device = "alsa_output.speakers", .kind = IoKind::capture, .ring_duration = 100ms});
    ASSERT_TRUE(s);
    for (int i = 0; i < 20; ++i) {
        d->advance(10ms);
    }
    auto st = (*s)->stats();
    EXPECT_EQ(st.overruns, 10u);
    EXPECT_EQ(st.xrun_frames, 4800u);
    EXPECT_EQ((*s)->readable_frames(), 4800u);
}

TEST(MockDriver, playback_records_what_it_received_and_counts_underruns) {
    auto d = make_mock();
    auto s = d->open_io({.device = "alsa_output.speakers", .kind = IoKind::playback});
    ASSERT_TRUE(s);
    std::vector<float> tone(4800 * 2);
    for (std::size_t i = 0; i < 4800; ++i) {
        tone[2 * i] = tone[2 * i + 1] = 0.3f * std::sin(2 * 3.14159265 * 750 * double(i) / 48000);
    }
    EXPECT_EQ((*s)->write(tone), 4800u);
    for (int i = 0; i < 10; ++i) {
        d->advance(10ms);
    }
    EXPECT_EQ((*s)->stats().underruns, 0u);
    d->advance(10ms); // nothing left: an underrun of one period
    EXPECT_EQ((*s)->stats().underruns, 1u);
    EXPECT_EQ((*s)->stats().xrun_frames, 480u);
    auto rec = d->recording("alsa_output.speakers");
    ASSERT_EQ(rec.size(), 5280u * 2);
    auto left = test::channel(std::span(rec).first(9600), 2, 0);
    EXPECT_NEAR(test::dominant_frequency(left, 48000, 700, 800), 750, 1);
    EXPECT_NEAR(test::goertzel_amplitude(left, 750, 48000), 0.3, 0.01);
    EXPECT_EQ(test::longest_silence(std::span(rec).last(960)), 960u);
}

TEST(MockDriver, bounded_recording_keeps_the_newest_samples) {
    auto devices = parse_mock_fixture(fixture);
    ASSERT_TRUE(devices);
    MockDriver d(std::move(*devices), {.realtime = false, .max_recording_samples = 9600});
    auto s = d.open_io({.device = "alsa_output.speakers", .kind = IoKind::playback});
    ASSERT_TRUE(s);
    for (int i = 0; i < 100; ++i) {
        std::vector<float> period(480 * 2, float(i + 1)); // 10 ms, one value per period
        ASSERT_EQ((*s)->write(period), 480u);
        d.advance(10ms);
    }
    auto rec = d.recording("alsa_output.speakers");
    EXPECT_LE(rec.size(), 9600u);
    EXPECT_GE(rec.size(), 4800u);
    EXPECT_EQ(rec.back(), 100.0f);
    EXPECT_EQ(rec[rec.size() - 960], 100.0f);
    EXPECT_EQ(rec[rec.size() - 961], 99.0f);
}

TEST(MockDriver, playback_into_a_system_source_is_refused) {
    auto d = make_mock();
    auto s = d->open_io({.device = "alsa_input.mic", .kind = IoKind::playback});
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::invalid_argument);
    auto missing = d->open_io({.device = "nope"});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST(MockDriver, hotplug_notifies_listeners_and_stalls_streams) {
    auto d = make_mock();
    std::vector<std::pair<DeviceEvent, std::string>> events;
    auto id = d->subscribe([&](DeviceEvent e, const DeviceInfo& i) { events.emplace_back(e, i.name); });
    MockDevice usb;
    usb.info.name = "usb_headset";
    usb.info.channels = 2;
    usb.info.rate = 48000;
    ASSERT_TRUE(d->plug(usb));
    EXPECT_EQ(d->plug(usb).error().code, Errc::conflict);
    auto s = d->open_io({.device = "usb_headset", .kind = IoKind::capture});
    ASSERT_TRUE(s);
    d->advance(10ms);
    EXPECT_EQ((*s)->readable_frames(), 480u);
    ASSERT_TRUE(d->unplug("usb_headset"));
    EXPECT_FALSE((*s)->stats().connected);
    d->advance(10ms);
    EXPECT_EQ((*s)->readable_frames(), 480u);
    ASSERT_TRUE(d->plug(usb));
    EXPECT_TRUE((*s)->stats().connected);
    d->advance(10ms);
    EXPECT_EQ((*s)->readable_frames(), 960u);
    ASSERT_TRUE(test::set_volume(*d, "usb_headset", 0.5f));
    ASSERT_TRUE(test::set_volume(*d, "usb_headset", 0.5f)); // no change, no event
    ASSERT_TRUE(test::set_mute(*d, "usb_headset", true));
    d->unsubscribe(id);
    ASSERT_TRUE(d->unplug("usb_headset"));
    using E = DeviceEvent;
    EXPECT_EQ(events, (std::vector<std::pair<E, std::string>> {{E::added, "usb_headset"},
                                                               {E::removed, "usb_headset"},
                                                               {E::added, "usb_headset"},
                                                               {E::changed, "usb_headset"},
                                                               {E::changed, "usb_headset"}}));
    EXPECT_EQ(d->device("usb_headset").error().code, Errc::not_found);
}

TEST(MockDriver, virtual_devices_are_created_marked_and_destroyed) {
    auto d = make_mock();
    auto v = test::create_virtual(*d, {.name = "rocd_vspk", .display_name = "rocd speaker"});
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_TRUE(v->is_virtual);
    EXPECT_EQ(v->direction, PortDirection::output);
    EXPECT_EQ(d->device("rocd_vspk")->display_name, "rocd speaker");
    EXPECT_EQ(test::create_virtual(*d, {.name = "rocd_vspk"}).error().code, Errc::conflict);
    auto mic =
        test::create_virtual(*d, {.name = "rocd_vmic", .direction = PortDirection::input, .channels = 1});
    ASSERT_TRUE(mic);
    auto feed = d->open_io({.device = "rocd_vmic", .kind = IoKind::playback});
    ASSERT_TRUE(feed) << "rocd feeds its virtual microphone";
    EXPECT_EQ(test::destroy_virtual(*d, "alsa_input.mic").error().code, Errc::invalid_argument);
    ASSERT_TRUE(test::destroy_virtual(*d, "rocd_vmic"));
    EXPECT_EQ((*feed)->write(std::vector<float>(10)), 0u) << "a destroyed device's stream stops";
    EXPECT_EQ(d->devices().size(), 3u);
}

TEST(MockDriver, closing_a_stream_detaches_it) {
    auto d = make_mock();
    {
        auto s = d->open_io({.device = "alsa_output.speakers"});
        ASSERT_TRUE(s);
        EXPECT_EQ(d->open_io_count(), 1u);
        (*s)->close();
        EXPECT_EQ(d->open_io_count(), 0u);
        std::vector<float> buf(10);
        EXPECT_EQ((*s)->read(buf), 0u);
    }
    EXPECT_EQ(d->open_io_count(), 0u);
}

TEST(MockDriver, realtime_clock_runs_streams_without_advance) {
    auto devices = parse_mock_fixture(fixture);
    MockDriver d(std::move(*devices), MockDriver::Options {.realtime = true, .period = 2ms});
    auto s = d.open_io({.device = "alsa_output.speakers"});
    ASSERT_TRUE(s);
    for (int i = 0; i < 500 && (*s)->readable_frames() == 0; ++i) {
        std::this_thread::sleep_for(2ms);
    }
    EXPECT_GT((*s)->readable_frames(), 0u);
}

TEST(MockDriver, completions_run_on_the_worker_and_carry_errors_as_values) {
    auto d = make_mock();
    std::promise<std::pair<Status, std::thread::id>> got;
    d->set_volume("nope", 1.0f, [&](Status st) { got.set_value({st, std::this_thread::get_id()}); });
    auto [st, thread] = got.get_future().get();
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::not_found);
    EXPECT_NE(thread, std::this_thread::get_id()) << "never inside the call";
    EXPECT_EQ(test::set_volume(*d, "alsa_input.mic", 4.5f).error().field, "volume");
    EXPECT_EQ(test::create_virtual(*d, {.name = "wide", .channels = 33}).error().field, "channels");
    EXPECT_EQ(test::create_virtual(*d, {.name = "slow", .rate = 7999}).error().field, "rate");
    EXPECT_EQ(test::destroy_virtual(*d, "nope").error().code, Errc::not_found);
}

TEST(MockDriver, slow_create_returns_at_once_and_completes_later) {
    auto devices = parse_mock_fixture(fixture);
    ASSERT_TRUE(devices);
    MockDriver d(std::move(*devices), {.create_delay = 200ms});
    std::atomic<bool> returned {false};
    std::promise<std::pair<Result<DeviceInfo>, bool>> got;
    d.create_virtual_device({.name = "rocd_slow"}, [&](Result<DeviceInfo> r) {
        // Ordering, not timing: the call had returned before this ran.
        got.set_value({std::move(r), returned.load()});
    });
    returned = true;
    EXPECT_FALSE(d.device("rocd_slow")) << "not listed before its completion";
    EXPECT_EQ(test::create_virtual(d, {.name = "rocd_slow"}).error().code, Errc::conflict)
        << "the name is taken while it is being created";
    auto [info, after_return] = got.get_future().get();
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_TRUE(after_return);
    EXPECT_TRUE(info->is_virtual);
    EXPECT_TRUE(d.device("rocd_slow")) << "listed once completed";
}

TEST(MockDriver, pending_slow_create_fails_when_the_driver_goes_away) {
    auto devices = parse_mock_fixture(fixture);
    ASSERT_TRUE(devices);
    std::optional<Status> outcome;
    {
        MockDriver d(std::move(*devices), {.create_delay = std::chrono::milliseconds(60000)});
        d.create_virtual_device({.name = "rocd_never"}, [&](Result<DeviceInfo> r) {
            outcome = r ? Status {} : Status {tl::unexpected(r.error())};
        });
    }
    ASSERT_TRUE(outcome) << "exactly once, also at shutdown";
    EXPECT_EQ(outcome->error().code, Errc::unavailable);
}

TEST(MockDriver, fixture_sets_the_create_delay) {
    auto doc = parse_mock_fixture_document(R"({"create_delay_ms": 150, "devices": []})");
    ASSERT_TRUE(doc) << doc.error().message;
    EXPECT_EQ(doc->create_delay, std::chrono::milliseconds(150));
    EXPECT_FALSE(parse_mock_fixture_document(R"({"devices": []})")->create_delay);
    auto bad = parse_mock_fixture_document(R"({"create_delay_ms": -1, "devices": []})");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "create_delay_ms");
}
