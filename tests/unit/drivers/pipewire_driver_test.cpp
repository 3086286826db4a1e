// PipewireDriver against a real, private PipeWire session (scripts/pipewire-sandbox).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <iostream>
#include <mutex>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sndfile.h>

#include "completion_wait.h"
#include "drivers/pipewire/pipewire_driver.h"
#include "pipewire_sandbox.h"
#include "signal.h"

using namespace rocd;
using rocd::PortDirection;
using rocd::drivers::DeviceEvent;
using rocd::drivers::DeviceInfo;
using rocd::drivers::DeviceIo;
using rocd::drivers::DeviceListener;
using rocd::drivers::DriverOptions;
using rocd::drivers::IoKind;
using namespace std::chrono_literals;

namespace {

class PipewireDriverTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string error;
        dir_ = test::pipewire_sandbox(&error);
        ASSERT_FALSE(dir_.empty()) << error;
        auto d = rocd::drivers::PipewireDriver::connect(DriverOptions {});
        ASSERT_TRUE(d) << d.error().message;
        driver_ = std::move(*d);
    }

    /// Waits until `pred` holds, polling; false after `timeout`.
    template <class Pred> static bool eventually(Pred pred, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!pred()) {
            if (std::chrono::steady_clock::now() > deadline) {
                return false;
            }
            std::this_thread::sleep_for(5ms);
        }
        return true;
    }

    bool has_device(std::string_view name) const { return driver_->device(name).has_value(); }

    std::string dir_;
    std::unique_ptr<rocd::drivers::PipewireDriver> driver_;
};

/// Records which device events arrived, for waiting on them.
struct EventLog {
    std::mutex mutex;
    std::condition_variable cv;
    std::vector<std::pair<DeviceEvent, std::string>> events;

    DeviceListener listener() {
        return [this](DeviceEvent e, const DeviceInfo& d) {
            std::lock_guard lock(mutex);
            events.emplace_back(e, d.name);
            cv.notify_all();
        };
    }
    bool wait_for(DeviceEvent e, const std::string& name, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex);
        return cv.wait_for(lock, timeout, [&] {
            for (auto& [ev, n] : events) {
                if (ev == e && n == name) {
                    return true;
                }
            }
            return false;
        });
    }
};

std::vector<float> sine(double hz, float level, std::uint32_t rate, std::uint32_t channels,
                        std::size_t frames, std::size_t start = 0) {
    std::vector<float> out(frames * channels);
    for (std::size_t i = 0; i < frames; ++i) {
        const float v =
            level * static_cast<float>(std::sin(2 * 3.14159265358979 * hz * double(start + i) / rate));
        for (std::uint32_t c = 0; c < channels; ++c) {
            out[i * channels + c] = v;
        }
    }
    return out;
}

void write_wav(const std::string& path, const std::vector<float>& samples, std::uint32_t rate, int channels) {
    SF_INFO info {};
    info.samplerate = static_cast<int>(rate);
    info.channels = channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
    sf_writef_float(f, samples.data(), static_cast<sf_count_t>(samples.size() / channels));
    sf_close(f);
}

std::vector<float> read_wav(const std::string& path, int* channels) {
    SF_INFO info {};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    if (f == nullptr) {
        return {};
    }
    std::vector<float> out(static_cast<std::size_t>(info.frames * info.channels));
    sf_readf_float(f, out.data(), info.frames);
    sf_close(f);
    *channels = info.channels;
    return out;
}

/// The part of `x` from the first to the last sample above `threshold`.
std::span<const float> trim(std::span<const float> x, float threshold) {
    std::size_t a = 0, b = x.size();
    while (a < b && std::fabs(x[a]) < threshold) {
        ++a;
    }
    while (b > a && std::fabs(x[b - 1]) < threshold) {
        --b;
    }
    return x.subspan(a, b - a);
}

std::string temp_path(const std::string& name) {
    return ::testing::TempDir() + "/" + name;
}

/// Keeps a playback stream fed with a sine while `record` (a shell command,
/// e.g. a bounded pw-record) runs. The ring is kept full by a writer thread
/// that is not real-time, on a shared machine: an underrun would be the
/// test's, not rocd's.
void play_sine_while(DeviceIo& stream, double hz, float level, std::uint32_t channels,
                     const std::string& record) {
    std::atomic<bool> done {false};
    std::thread writer([&] {
        std::size_t pos = 0;
        while (!done.load()) {
            auto chunk = sine(hz, level, 48000, channels, stream.writable_frames(), pos);
            pos += stream.write(chunk);
            std::this_thread::sleep_for(2ms);
        }
    });
    test::run_capture(record);
    done = true;
    writer.join();
}

/// Removes a scratch file when the test ends, passed or failed.
struct RemoveOnExit {
    std::string path;
    ~RemoveOnExit() { std::remove(path.c_str()); }
};

} // namespace

TEST(PipewireDriverNoServer, reports_how_to_fix_it_when_no_server_is_reachable) {
    char tmpl[] = "/tmp/rocd-nopw.XXXXXX";
    const std::string empty = mkdtemp(tmpl);
    const char* old = std::getenv("XDG_RUNTIME_DIR");
    const std::string saved = old ? old : "";
    const char* old_pw = std::getenv("PIPEWIRE_RUNTIME_DIR");
    const std::string saved_pw = old_pw ? old_pw : "";
    setenv("XDG_RUNTIME_DIR", empty.c_str(), 1);
    setenv("PIPEWIRE_RUNTIME_DIR", empty.c_str(), 1);
    const auto t0 = std::chrono::steady_clock::now();
    auto d = rocd::drivers::PipewireDriver::connect(DriverOptions {});
    const auto took = std::chrono::steady_clock::now() - t0;
    old ? (void)setenv("XDG_RUNTIME_DIR", saved.c_str(), 1) : (void)unsetenv("XDG_RUNTIME_DIR");
    old_pw ? (void)setenv("PIPEWIRE_RUNTIME_DIR", saved_pw.c_str(), 1)
           : (void)unsetenv("PIPEWIRE_RUNTIME_DIR");
    rmdir(empty.c_str());
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, Errc::unavailable);
    EXPECT_NE(d.error().message.find("PipeWire"), std::string::npos) << d.error().message;
    EXPECT_NE(d.error().message.find("pipewire-sandbox"), std::string::npos) << d.error().message;
    EXPECT_NE(d.error().message.find("--driver mock"), std::string::npos) << d.error().message;
    EXPECT_LT(took, 2s) << "fails fast";
}

TEST_F(PipewireDriverTest, enumeration_matches_pw_dump) {
    int status = 0;
    const auto dump = nlohmann::json::parse(test::run_capture("pw-dump", &status));
    ASSERT_EQ(status, 0);
    std::map<std::string, nlohmann::json> expected;
    for (auto& o : dump) {
        if (o["type"] != "PipeWire:Interface:Node") {
            continue;
        }
        auto& props = o["info"]["props"];
        const std::string cls = props.value("media.class", "");
        if (cls == "Audio/Sink" || cls == "Audio/Source" || cls == "Audio/Source/Virtual" ||
            cls == "Audio/Duplex") {
            expected[props["node.name"]] = o;
        }
    }
    ASSERT_GE(expected.size(), 3u);
    auto devices = driver_->devices();
    ASSERT_EQ(devices.size(), expected.size());
    for (auto& d : devices) {
        SCOPED_TRACE(d.name);
        ASSERT_TRUE(expected.contains(d.name));
        auto& o = expected[d.name];
        auto& props = o["info"]["props"];
        EXPECT_EQ(d.display_name, props.value("node.description", d.name));
        const std::string cls = props["media.class"];
        EXPECT_EQ(d.direction, cls == "Audio/Sink" ? PortDirection::output : PortDirection::input);
        auto& fmt = o["info"]["params"]["EnumFormat"][0];
        EXPECT_EQ(d.channels, fmt["channels"].get<unsigned>());
        EXPECT_EQ(d.rate, fmt["rate"].get<unsigned>());
        EXPECT_EQ(d.positions, fmt["position"].get<std::vector<std::string>>());
        EXPECT_FALSE(d.is_virtual);
        auto& props_param = o["info"]["params"]["Props"][0];
        EXPECT_FLOAT_EQ(d.volume, props_param["channelVolumes"][0].get<float>());
        EXPECT_EQ(d.mute, props_param["mute"].get<bool>());
    }
    auto sink = driver_->device("rocd_sandbox_sink_1");
    ASSERT_TRUE(sink);
    EXPECT_EQ(sink->positions, std::vector<std::string>({"FL", "FR"}));
    EXPECT_EQ(sink->rate, 48000u);
    auto source = driver_->device("rocd_sandbox_source_1");
    ASSERT_TRUE(source);
    EXPECT_EQ(source->direction, PortDirection::input);
    EXPECT_EQ(source->channels, 1u);
}

TEST_F(PipewireDriverTest, null_sink_from_pw_cli_appears_and_goes_away_within_1s) {
    EventLog log;
    driver_->subscribe(log.listener());
    int status = 0;
    test::run_capture("pw-cli create-node adapter '{ factory.name=support.null-audio-sink "
                      "node.name=rocd_test_hotplug node.description=\"hotplug\" media.class=Audio/Sink "
                      "object.linger=true audio.position=[FL FR] }' 2>&1",
                      &status);
    ASSERT_EQ(status, 0);
    ASSERT_TRUE(log.wait_for(DeviceEvent::added, "rocd_test_hotplug", 1s));
    EXPECT_EQ(driver_->device("rocd_test_hotplug")->display_name, "hotplug");

    const auto dump = nlohmann::json::parse(test::run_capture("pw-dump"));
    int id = -1;
    for (auto& o : dump) {
        if (o["type"] == "PipeWire:Interface:Node" &&
            o["info"]["props"].value("node.name", "") == "rocd_test_hotplug") {
            id = o["id"];
        }
    }
    ASSERT_GE(id, 0);
    test::run_capture("pw-cli destroy " + std::to_string(id) + " 2>&1", &status);
    ASSERT_EQ(status, 0);
    ASSERT_TRUE(log.wait_for(DeviceEvent::removed, "rocd_test_hotplug", 1s));
    EXPECT_FALSE(has_device("rocd_test_hotplug"));
}

TEST_F(PipewireDriverTest, sets_volume_and_mute) {
    ASSERT_TRUE(test::set_volume(*driver_, "rocd_sandbox_sink_2", 0.5f));
    EXPECT_TRUE(eventually([&] { return driver_->device("rocd_sandbox_sink_2")->volume == 0.5f; }, 1s));
    ASSERT_TRUE(test::set_mute(*driver_, "rocd_sandbox_sink_2", true));
    EXPECT_TRUE(eventually([&] { return driver_->device("rocd_sandbox_sink_2")->mute; }, 1s));
    ASSERT_TRUE(test::set_mute(*driver_, "rocd_sandbox_sink_2", false));
    ASSERT_TRUE(test::set_volume(*driver_, "rocd_sandbox_sink_2", 1.0f));
    EXPECT_EQ(test::set_volume(*driver_, "nope", 1.0f).error().code, Errc::not_found);
    EXPECT_EQ(test::set_volume(*driver_, "rocd_sandbox_sink_2", -1.0f).error().code, Errc::invalid_argument);
}

TEST_F(PipewireDriverTest, virtual_speaker_captures_what_pw_play_plays_without_gaps) {
    auto v = test::create_virtual(*driver_, {.name = "rocd_test_vspk", .display_name = "rocd test speaker"});
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_TRUE(v->is_virtual);
    EXPECT_EQ(v->direction, PortDirection::output);
    EXPECT_EQ(test::create_virtual(*driver_, {.name = "rocd_test_vspk"}).error().code, Errc::conflict);

    auto s = driver_->open_io({.device = "rocd_test_vspk", .kind = IoKind::capture});
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ((*s)->format().rate, 48000u);
    ASSERT_EQ((*s)->format().channels, 2u);

    // On tmpfs: pw-play reads the file on its real-time thread.
    const std::string wav = "/dev/shm/rocd_tone_1k_" + std::to_string(getpid()) + ".wav";
    RemoveOnExit cleanup {wav};
    write_wav(wav, sine(1000, 0.5f, 48000, 2, 48000 * 10 + 4800), 48000, 2);

    // pw-play is the producer: under heavy CPU contention (several PipeWire
    // sandboxes and suites at once on this 2-core machine) it or the graph
    // can miss a deadline, and the graph then carries silence that rocd
    // faithfully captures. Such a run is retried (3 runs at most); rocd's
    // own xruns (ring overruns) fail at once.
    constexpr int attempts = 3;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
        std::atomic<bool> done {false};
        std::vector<float> got;
        got.reserve(48000 * 2 * 13);
        std::thread reader([&] {
            std::vector<float> buf(4800 * 2);
            while (!done.load()) {
                const std::size_t n = (*s)->read(buf);
                got.insert(got.end(), buf.begin(), buf.begin() + std::ptrdiff_t(n) * 2);
                if (n == 0) {
                    std::this_thread::sleep_for(5ms);
                }
            }
        });
        int status = 0;
        test::run_capture("pw-play --target rocd_test_vspk '" + wav + "' 2>&1", &status);
        std::this_thread::sleep_for(200ms);
        done = true;
        reader.join();
        ASSERT_EQ(status, 0);
        ASSERT_EQ((*s)->stats().overruns, 0u) << "rocd lost frames";

        const auto left = test::channel(got, 2, 0);
        auto tone = trim(left, 0.01f);
        const double freq =
            tone.size() >= 48000 ? test::dominant_frequency(tone.first(48000), 48000, 900, 1100) : 0;
        const double level = test::goertzel_amplitude(tone, 1000, 48000);
        // A gap or a repeated/dropped chunk shows as a step far above the
        // largest step of a clean 1 kHz sine at 0.5 (2*pi*1000/48000*0.5 = 0.065).
        const double step = test::max_step(tone);
        std::size_t gap_at = 0;
        const std::size_t gap = test::longest_silence(tone, 0.001f, &gap_at);
        const bool clean = tone.size() >= 48000u * 10 && std::fabs(freq - 1000) <= 1 &&
                           std::fabs(level - 0.5) <= 0.02 && step < 0.08 && gap < 4;
        if (!clean && attempt < attempts) {
            std::cerr << "note: run " << attempt << " not clean (" << tone.size() << " frames, " << freq
                      << " Hz, level " << level << ", max step " << step << ", gap " << gap << " at "
                      << gap_at << "); retrying\n";
            continue;
        }
        EXPECT_GE(tone.size(), 48000u * 10) << "received " << tone.size() << " frames of tone";
        EXPECT_NEAR(freq, 1000, 1);
        EXPECT_NEAR(level, 0.5, 0.02);
        EXPECT_LT(step, 0.08);
        EXPECT_LT(gap, 4u) << "gap at frame " << gap_at << " of " << tone.size();
        break;
    }
    std::remove(wav.c_str());
    (*s)->close();
    ASSERT_TRUE(test::destroy_virtual(*driver_, "rocd_test_vspk"));
    EXPECT_FALSE(has_device("rocd_test_vspk"));
}

TEST_F(PipewireDriverTest, playback_into_null_sink_reaches_its_monitor) {
    // A 1 s ring kept full (see play_sine_while).
    auto s =
        driver_->open_io({.device = "rocd_sandbox_sink_1", .kind = IoKind::playback, .ring_duration = 1s});
    ASSERT_TRUE(s) << s.error().message;
    const std::string wav = "/dev/shm/rocd_monitor_" + std::to_string(getpid()) + ".wav";
    RemoveOnExit cleanup {wav};
    play_sine_while(**s, 880, 0.4f, 2,
                    "timeout 2 pw-record --target rocd_sandbox_sink_1 -P '{ stream.capture.sink=true }' "
                    "--format f32 --rate 48000 --channels 2 '" +
                        wav + "' 2>&1");
    // Counters now: once the writer stopped, the ring drains and underruns.
    const auto played = (*s)->stats();
    int channels = 0;
    auto rec = read_wav(wav, &channels);
    ASSERT_EQ(channels, 2);
    auto left = test::channel(rec, 2, 0);
    auto tone = trim(left, 0.01f);
    ASSERT_GE(tone.size(), 48000u / 2) << "recorded " << left.size() << " frames";
    EXPECT_NEAR(test::dominant_frequency(tone, 48000, 800, 1000), 880, 1);
    // "Contains it": frequency and level (RMS, robust to a phase jump
    // should pw-record, which writes its file on its real-time thread, miss
    // a cycle on this shared machine). rocd's own side must not underrun.
    EXPECT_NEAR(test::rms(tone) * std::sqrt(2.0), 0.4, 0.04);
    EXPECT_EQ(played.underruns, 0u);
    std::remove(wav.c_str());
    EXPECT_GT((*s)->stats().frames, 0u);
}

TEST_F(PipewireDriverTest, virtual_microphone_delivers_what_rocd_plays) {
    auto v = test::create_virtual(
        *driver_,
        {.name = "rocd_test_vmic", .direction = PortDirection::input, .channels = 1, .rate = 48000});
    ASSERT_TRUE(v) << v.error().message;
    EXPECT_EQ(v->direction, PortDirection::input);
    auto s = driver_->open_io({.device = "rocd_test_vmic", .kind = IoKind::playback, .ring_duration = 1s});
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(driver_->open_io({.device = "rocd_test_vmic", .kind = IoKind::playback}).error().code,
              Errc::conflict);
    const std::string wav = "/dev/shm/rocd_vmic_" + std::to_string(getpid()) + ".wav";
    RemoveOnExit cleanup {wav};
    play_sine_while(**s, 660, 0.3f, 1,
                    "timeout 2 pw-record --target rocd_test_vmic --format f32 --rate 48000 --channels 1 '" +
                        wav + "' 2>&1");
    // Counters now: once the writer stopped, the ring drains and underruns.
    const auto played = (*s)->stats();
    int channels = 0;
    auto rec = read_wav(wav, &channels);
    ASSERT_EQ(channels, 1);
    auto tone = trim(rec, 0.01f);
    ASSERT_GE(tone.size(), 48000u / 2);
    EXPECT_NEAR(test::dominant_frequency(tone, 48000, 600, 700), 660, 1);
    EXPECT_NEAR(test::rms(tone) * std::sqrt(2.0), 0.3, 0.03);
    EXPECT_EQ(played.underruns, 0u);
    std::remove(wav.c_str());
    (*s)->close();
    ASSERT_TRUE(test::destroy_virtual(*driver_, "rocd_test_vmic"));
}

TEST_F(PipewireDriverTest, survives_a_pipewire_restart_and_recreates_devices_and_streams) {
    EventLog log;
    driver_->subscribe(log.listener());
    auto v = test::create_virtual(*driver_, {.name = "rocd_test_restart_vspk"});
    ASSERT_TRUE(v) << v.error().message;
    auto s = driver_->open_io({.device = "rocd_sandbox_sink_2", .kind = IoKind::capture});
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(eventually([&] { return (*s)->stats().frames > 0; }, 3s));
    auto vcap =
        driver_->open_io({.device = "rocd_test_restart_vspk", .kind = IoKind::capture, .ring_duration = 3s});
    ASSERT_TRUE(vcap) << vcap.error().message;

    ASSERT_TRUE(test::pipewire_sandbox_command("kill-server"));
    ASSERT_TRUE(log.wait_for(DeviceEvent::removed, "rocd_sandbox_sink_2", 3s));
    EXPECT_TRUE(log.wait_for(DeviceEvent::removed, "rocd_test_restart_vspk", 1s));
    EXPECT_TRUE(eventually([&] { return !driver_->connected() && driver_->devices().empty(); }, 1s));
    EXPECT_FALSE((*s)->stats().connected);

    ASSERT_TRUE(test::pipewire_sandbox_command("start-server"));
    ASSERT_TRUE(eventually([&] { return driver_->connected(); }, 10s));
    EXPECT_GE(driver_->connections(), 2u); // more if it reached the dying server once
    ASSERT_TRUE(eventually([&] { return has_device("rocd_sandbox_sink_2"); }, 5s));
    ASSERT_TRUE(eventually([&] { return has_device("rocd_test_restart_vspk"); }, 5s));
    EXPECT_TRUE(driver_->device("rocd_test_restart_vspk")->is_virtual);
    const auto frames = (*s)->stats().frames;
    EXPECT_TRUE(eventually([&] { return (*s)->stats().frames > frames + 4800; }, 5s))
        << "the capture stream runs again";
    EXPECT_TRUE((*s)->stats().connected);

    // The re-created virtual speaker still feeds the capture opened before.
    const std::string wav = temp_path("tone_restart_" + std::to_string(getpid()) + ".wav");
    RemoveOnExit cleanup {wav};
    write_wav(wav, sine(500, 0.5f, 48000, 2, 48000), 48000, 2);
    std::vector<float> drop(48000 * 2);
    while ((*vcap)->read(drop) > 0) {
    }
    int status = 0;
    test::run_capture("pw-play --target rocd_test_restart_vspk '" + wav + "' 2>&1", &status);
    EXPECT_EQ(status, 0);
    std::this_thread::sleep_for(100ms);
    std::vector<float> got(48000 * 2 * 3);
    got.resize((*vcap)->read(got) * 2);
    const auto left = test::channel(got, 2, 0);
    auto tone = trim(left, 0.01f);
    EXPECT_GE(tone.size(), 40000u);
    if (!tone.empty()) {
        EXPECT_NEAR(test::goertzel_amplitude(tone, 500, 48000), 0.5, 0.05);
    }
    std::remove(wav.c_str());
    auto late = test::create_virtual(*driver_, {.name = "rocd_test_after_restart", .channels = 1});
    ASSERT_TRUE(late) << late.error().message;
    ASSERT_TRUE(test::destroy_virtual(*driver_, "rocd_test_after_restart"));
    (*vcap)->close();
    (*s)->close();
    ASSERT_TRUE(test::destroy_virtual(*driver_, "rocd_test_restart_vspk"));
}

TEST_F(PipewireDriverTest, concurrent_calls_from_many_threads_are_safe) {
    std::atomic<int> failures {0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 10; ++i) {
                auto id = driver_->subscribe([](DeviceEvent, const DeviceInfo&) {});
                if (driver_->devices().size() < 3) {
                    ++failures;
                }
                auto s = driver_->open_io({.device = t % 2 ? "rocd_sandbox_sink_1" : "rocd_sandbox_source_1",
                                           .kind = IoKind::capture});
                if (!s) {
                    ++failures;
                }
                if (!test::set_mute(*driver_, "rocd_sandbox_sink_2", i % 2 == 0)) {
                    ++failures;
                }
                std::vector<float> buf(1024);
                if (s) {
                    (*s)->read(buf);
                    (*s)->stats();
                }
                driver_->unsubscribe(id);
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(failures.load(), 0);
    ASSERT_TRUE(test::set_mute(*driver_, "rocd_sandbox_sink_2", false));
}

// Last in this file on purpose: after this test, WirePlumber 0.4.13 of the
// same session segfaults (libwireplumber, NULL+0x10) when the next stream is
// linked to a new virtual sink. Under ctest every test has its own sandbox;
// run as one binary, the fixture's `ensure` restarts a dead WirePlumber.
// Under investigation (see docs/drivers.md).
TEST_F(PipewireDriverTest, stream_follows_its_device_through_hotplug) {
    const std::string create = "pw-cli create-node adapter '{ factory.name=support.null-audio-sink "
                               "node.name=rocd_test_replug media.class=Audio/Sink object.linger=true "
                               "audio.position=[FL FR] }' 2>&1";
    int status = 0;
    test::run_capture(create, &status);
    ASSERT_EQ(status, 0);
    ASSERT_TRUE(eventually([&] { return has_device("rocd_test_replug"); }, 1s));
    auto s = driver_->open_io({.device = "rocd_test_replug", .kind = IoKind::capture});
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(eventually([&] { return (*s)->stats().connected && (*s)->stats().frames > 0; }, 3s));
    EXPECT_GE((*s)->latency().count(), 0); // a null sink reports no device delay

    auto node_id = [] {
        for (auto& o : nlohmann::json::parse(test::run_capture("pw-dump"))) {
            if (o["type"] == "PipeWire:Interface:Node" &&
                o["info"]["props"].value("node.name", "") == "rocd_test_replug") {
                return o["id"].get<int>();
            }
        }
        return -1;
    };
    test::run_capture("pw-cli destroy " + std::to_string(node_id()) + " 2>&1", &status);
    ASSERT_EQ(status, 0);
    ASSERT_TRUE(eventually([&] { return !has_device("rocd_test_replug"); }, 1s));
    EXPECT_TRUE(eventually([&] { return !(*s)->stats().connected; }, 1s));

    test::run_capture(create, &status);
    ASSERT_EQ(status, 0);
    ASSERT_TRUE(eventually([&] { return has_device("rocd_test_replug"); }, 1s));
    const auto frames = (*s)->stats().frames;
    EXPECT_TRUE(
        eventually([&] { return (*s)->stats().connected && (*s)->stats().frames > frames + 4800; }, 3s))
        << "the stream runs again on the device that came back";
    (*s)->close();
    test::run_capture("pw-cli destroy " + std::to_string(node_id()) + " 2>&1");
}

TEST_F(PipewireDriverTest, operations_complete_on_the_loop_thread) {
    // Each completion records which thread ran it. Whether the call had
    // returned is not asserted: the contract lets a completion win that race.
    struct Outcome {
        bool ok = false;
        Errc code = Errc::internal;
        std::thread::id thread;
    };
    auto run = [](auto start) {
        auto got = std::make_shared<std::promise<Outcome>>();
        start([got](auto result) {
            got->set_value({result.has_value(), result ? Errc::internal : result.error().code,
                            std::this_thread::get_id()});
        });
        auto f = got->get_future();
        EXPECT_EQ(f.wait_for(10s), std::future_status::ready);
        return f.get();
    };
    const auto caller = std::this_thread::get_id();

    auto created = run([&](auto done) { driver_->create_virtual_device({.name = "rocd_test_async"}, done); });
    EXPECT_TRUE(created.ok);
    EXPECT_NE(created.thread, caller);
    EXPECT_TRUE(has_device("rocd_test_async")) << "listed when the completion runs";

    auto volume = run([&](auto done) { driver_->set_volume("rocd_sandbox_sink_2", 0.5f, done); });
    EXPECT_TRUE(volume.ok);
    EXPECT_NE(volume.thread, caller);
    EXPECT_TRUE(run([&](auto done) { driver_->set_volume("rocd_sandbox_sink_2", 1.0f, done); }).ok);
    auto bad = run([&](auto done) { driver_->set_volume("rocd_test_async", 5.0f, done); });
    EXPECT_EQ(bad.code, Errc::invalid_argument);
    EXPECT_NE(bad.thread, caller) << "errors too arrive from the loop, never inside the call";
    auto missing = run([&](auto done) { driver_->set_mute("nope", true, done); });
    EXPECT_EQ(missing.code, Errc::not_found);
    auto twice = run([&](auto done) { driver_->create_virtual_device({.name = "rocd_test_async"}, done); });
    EXPECT_EQ(twice.code, Errc::conflict);
    auto system = run([&](auto done) { driver_->destroy_virtual_device("rocd_sandbox_sink_1", done); });
    EXPECT_EQ(system.code, Errc::invalid_argument);

    auto destroyed = run([&](auto done) { driver_->destroy_virtual_device("rocd_test_async", done); });
    EXPECT_TRUE(destroyed.ok);
    EXPECT_NE(destroyed.thread, caller);
    EXPECT_FALSE(has_device("rocd_test_async")) << "gone when the completion runs";
}
