// Load test of the PipeWire driver: 8 capture + 8 playback streams at once
// for ROCD_BENCH_SECONDS (default 60) s. Reports xruns (expected 0), the
// cost of the real-time process callback per period (median, p99, ns) and
// the process's RSS. Needs a reachable PipeWire server with the sandbox's
// devices:  scripts/pipewire-sandbox run build/release/bench/driver/rocd_driver_bench
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "drivers/pipewire/pipewire_driver.h"

using namespace rocd::drivers;
using namespace std::chrono_literals;

namespace {

long rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::strtol(line.c_str() + 6, nullptr, 10);
        }
    }
    return 0;
}

std::uint32_t period_frames() {
    const char* p = std::getenv("ROCD_BENCH_PERIOD");
    return p ? static_cast<std::uint32_t>(std::atoi(p)) : 256;
}

void BM_driver_8_capture_8_playback(benchmark::State& state) {
    const char* secs_env = std::getenv("ROCD_BENCH_SECONDS");
    const auto seconds = std::chrono::seconds(secs_env ? std::atoi(secs_env) : 60);
    auto driver = PipewireDriver::connect(DriverOptions {});
    if (!driver) {
        state.SkipWithError(driver.error().message.c_str());
        return;
    }
    const char* sinks[] = {"rocd_sandbox_sink_1", "rocd_sandbox_sink_2"};
    const char* captures[] = {"rocd_sandbox_sink_1", "rocd_sandbox_sink_2", "rocd_sandbox_source_1"};
    for (auto _ : state) {
        std::vector<std::unique_ptr<DeviceIo>> streams;
        for (int i = 0; i < 16; ++i) {
            DeviceIoSpec spec;
            spec.kind = i < 8 ? IoKind::capture : IoKind::playback;
            spec.device = i < 8 ? captures[i % 3] : sinks[i % 2];
            spec.rate = 48000;
            spec.channels = 2;
            spec.period_frames = period_frames();
            spec.measure_callback_cost = true;
            spec.display_name = "rocd-bench-" + std::to_string(i);
            auto s = (*driver)->open_io(spec);
            if (!s) {
                state.SkipWithError(s.error().message.c_str());
                return;
            }
            streams.push_back(std::move(*s));
        }
        std::vector<float> buf(48000 * 2);
        std::vector<std::uint32_t> costs;
        costs.reserve(std::size_t(seconds.count()) * 48000 / 64 * 16);
        std::vector<std::uint32_t> chunk(8192);
        std::vector<std::size_t> phase(16, 0);
        auto fill = [&](std::size_t i, DeviceIo& s) {
            // Keep the playback ring topped up with a 440 Hz tone.
            const std::size_t room = std::min<std::size_t>(s.writable_frames(), buf.size() / 2);
            for (std::size_t f = 0; f < room; ++f) {
                const float v =
                    0.2f * static_cast<float>(std::sin(2 * 3.14159265 * 440 * double(phase[i] + f) / 48000));
                buf[2 * f] = buf[2 * f + 1] = v;
            }
            phase[i] += s.write(std::span<const float>(buf.data(), room * 2));
        };
        for (std::size_t i = 8; i < 16; ++i) {
            fill(i, *streams[i]);
        }
        const auto end = std::chrono::steady_clock::now() + seconds;
        while (std::chrono::steady_clock::now() < end) {
            for (std::size_t i = 0; i < streams.size(); ++i) {
                auto& s = *streams[i];
                if (s.kind() == IoKind::capture) {
                    while (s.read(buf) > 0) {
                    }
                } else {
                    fill(i, s);
                }
                for (std::size_t n; (n = s.read_callback_costs(chunk)) > 0;) {
                    costs.insert(costs.end(), chunk.begin(), chunk.begin() + std::ptrdiff_t(n));
                }
            }
            std::this_thread::sleep_for(5ms);
        }
        std::uint64_t overruns = 0, underruns = 0, periods = 0, disconnected = 0;
        for (auto& s : streams) {
            auto st = s->stats();
            overruns += st.overruns;
            underruns += st.underruns;
            periods += st.periods;
            disconnected += st.connected ? 0 : 1;
        }
        std::sort(costs.begin(), costs.end());
        const auto pct = [&](double p) {
            return costs.empty()
                       ? 0.0
                       : double(costs[std::min(costs.size() - 1, std::size_t(p * double(costs.size())))]);
        };
        state.counters["streams"] = double(streams.size());
        state.counters["period_frames"] = double(period_frames());
        state.counters["periods"] = double(periods);
        state.counters["xruns"] = double(overruns + underruns);
        state.counters["overruns"] = double(overruns);
        state.counters["underruns"] = double(underruns);
        state.counters["not_streaming"] = double(disconnected);
        state.counters["cb_median_ns"] = pct(0.5);
        state.counters["cb_p99_ns"] = pct(0.99);
        state.counters["cb_max_ns"] = costs.empty() ? 0.0 : double(costs.back());
        state.counters["rss_mib"] = double(rss_kib()) / 1024.0;
        for (auto& s : streams) {
            s->close();
        }
    }
}

BENCHMARK(BM_driver_8_capture_8_playback)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
