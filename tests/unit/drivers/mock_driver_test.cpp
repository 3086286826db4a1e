#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#include "drivers/factory.h"
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

std::vector<float> read_all(AudioStream& s) {
    std::vector<float> out(s.available() * s.format().channels);
    out.resize(s.read(out) * s.format().channels);
    return out;
}

} // namespace

TEST(MockDriver, lists_fixture_devices_sorted_by_name) {
    auto d = make_mock();
    auto devs = d->devices();
    ASSERT_EQ(devs.size(), 2u);
    EXPECT_EQ(devs[0].name, "alsa_input.mic");
    EXPECT_EQ(devs[0].direction, Direction::input);
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

TEST(MockDriver, factory_loads_fixture_file_and_rejects_unknown_driver) {
    const std::string path = ::testing::TempDir() + "/mock_fixture.json";
    std::ofstream(path) << fixture;
    DriverOptions opts;
    opts.fixture_path = path;
    opts.mock_realtime = false;
    auto d = make_driver("mock", opts);
    ASSERT_TRUE(d) << d.error().message;
    EXPECT_EQ((*d)->name(), "mock");
    EXPECT_EQ((*d)->devices().size(), 2u);
    auto bad = make_driver("alsa", opts);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().field, "driver");
    opts.fixture_path = path + ".missing";
    EXPECT_EQ(make_driver("mock", opts).error().code, Errc::io);
}

TEST(MockDriver, port_uid_is_stable_and_driver_scoped) {
    EXPECT_EQ(port_uid("mock", "x"), port_uid("mock", "x"));
    EXPECT_NE(port_uid("mock", "x"), port_uid("pipewire", "x"));
    EXPECT_EQ(port_uid("pipewire", "x"), Uid::derive("port", "pipewire:x"));
}

TEST(MockDriver, capture_yields_the_device_tone_at_its_level) {
    auto d = make_mock();
    auto s = d->open_stream({.device = "alsa_input.mic", .kind = StreamKind::capture});
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
    auto s = d->open_stream(
        {.device = "alsa_output.speakers", .kind = StreamKind::capture, .ring_duration = 100ms});
    ASSERT_TRUE(s);
    for (int i = 0; i < 20; ++i) {
        d->advance(10ms);
    }
    auto st = (*s)->stats();
    EXPECT_EQ(st.overruns, 10u);
    EXPECT_EQ(st.xrun_frames, 4800u);
    EXPECT_EQ((*s)->available(), 4800u);
}

TEST(MockDriver, playback_records_what_it_received_and_counts_underruns) {
    auto d = make_mock();
    auto s = d->open_stream({.device = "alsa_output.speakers", .kind = StreamKind::playback});
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
    auto s = d.open_stream({.device = "alsa_output.speakers", .kind = StreamKind::playback});
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
    auto s = d->open_stream({.device = "alsa_input.mic", .kind = StreamKind::playback});
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::invalid_argument);
    auto missing = d->open_stream({.device = "nope"});
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
    auto s = d->open_stream({.device = "usb_headset", .kind = StreamKind::capture});
    ASSERT_TRUE(s);
    d->advance(10ms);
    EXPECT_EQ((*s)->available(), 480u);
    ASSERT_TRUE(d->unplug("usb_headset"));
    EXPECT_FALSE((*s)->stats().connected);
    d->advance(10ms);
    EXPECT_EQ((*s)->available(), 480u);
    ASSERT_TRUE(d->plug(usb));
    EXPECT_TRUE((*s)->stats().connected);
    d->advance(10ms);
    EXPECT_EQ((*s)->available(), 960u);
    ASSERT_TRUE(d->set_volume("usb_headset", 0.5f));
    ASSERT_TRUE(d->set_volume("usb_headset", 0.5f)); // no change, no event
    ASSERT_TRUE(d->set_mute("usb_headset", true));
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
    auto v = d->create_virtual_device({.name = "rocd_vspk", .display_name = "rocd speaker"});
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_TRUE(v->is_virtual);
    EXPECT_EQ(v->direction, Direction::output);
    EXPECT_EQ(d->device("rocd_vspk")->display_name, "rocd speaker");
    EXPECT_EQ(d->create_virtual_device({.name = "rocd_vspk"}).error().code, Errc::conflict);
    auto mic = d->create_virtual_device({.name = "rocd_vmic", .direction = Direction::input, .channels = 1});
    ASSERT_TRUE(mic);
    auto feed = d->open_stream({.device = "rocd_vmic", .kind = StreamKind::playback});
    ASSERT_TRUE(feed) << "rocd feeds its virtual microphone";
    EXPECT_EQ(d->destroy_virtual_device("alsa_input.mic").error().code, Errc::invalid_argument);
    ASSERT_TRUE(d->destroy_virtual_device("rocd_vmic"));
    EXPECT_EQ((*feed)->write(std::vector<float>(10)), 0u) << "a destroyed device's stream stops";
    EXPECT_EQ(d->devices().size(), 3u);
}

TEST(MockDriver, closing_a_stream_detaches_it) {
    auto d = make_mock();
    {
        auto s = d->open_stream({.device = "alsa_output.speakers"});
        ASSERT_TRUE(s);
        EXPECT_EQ(d->open_streams(), 1u);
        (*s)->close();
        EXPECT_EQ(d->open_streams(), 0u);
        std::vector<float> buf(10);
        EXPECT_EQ((*s)->read(buf), 0u);
    }
    EXPECT_EQ(d->open_streams(), 0u);
}

TEST(MockDriver, realtime_clock_runs_streams_without_advance) {
    auto devices = parse_mock_fixture(fixture);
    MockDriver d(std::move(*devices), MockDriver::Options {.realtime = true, .period = 2ms});
    auto s = d.open_stream({.device = "alsa_output.speakers"});
    ASSERT_TRUE(s);
    for (int i = 0; i < 500 && (*s)->available() == 0; ++i) {
        std::this_thread::sleep_for(2ms);
    }
    EXPECT_GT((*s)->available(), 0u);
}
