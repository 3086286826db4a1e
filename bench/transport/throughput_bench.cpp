// Offline throughput of the transport's audio paths, frames per second.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include "transport/receiver_pipeline.h"
#include "transport/sender_pipeline.h"

using namespace rocd::transport;

namespace {

struct NullWriter final : IPacketWriter {
    void write(Packet&) override { ++count; }
    std::uint64_t count = 0;
};

struct Ring final : IPacketWriter, IPacketReader {
    void write(Packet& p) override { q.push_back(p); }
    bool read(Packet& p) override {
        if (q.empty()) {
            return false;
        }
        p = q.front();
        q.pop_front();
        return true;
    }
    std::deque<Packet> q;
};

std::vector<float> tone(std::size_t frames) {
    std::vector<float> v(frames * 2);
    for (std::size_t i = 0; i < frames; ++i) {
        v[2 * i] = v[2 * i + 1] = 0.5f * float(std::sin(double(i) * 0.0627));
    }
    return v;
}

// Sender: 44.1 kHz stereo float → L16 packets (no network).
void BM_Encode(benchmark::State& state) {
    NullWriter out;
    SenderConfig c;
    c.rate = static_cast<std::uint32_t>(state.range(0));
    SenderPipeline sender(c, out);
    const auto in = tone(441);
    for (auto _ : state) {
        sender.write(in.data(), 441);
    }
    state.SetItemsProcessed(state.iterations() * 441);
    state.counters["frames/s"] =
        benchmark::Counter(double(state.iterations() * 441), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Encode)->Arg(44100)->Arg(48000);

// Receiver: packets → jitter buffer → depacketizer → (resampler) → frames.
void BM_Decode(benchmark::State& state) {
    Ring wire;
    SenderPipeline sender(SenderConfig {}, wire);
    ReceiverConfig rc;
    rc.drift_compensation = state.range(0) != -1;
    if (state.range(0) == -2) {
        rc.resampler_backend = audio::ResamplerBackend::builtin;
    }
    rc.resampler_quality = static_cast<int>(std::max<std::int64_t>(0, state.range(0)));
    rc.target_latency = std::chrono::milliseconds(50);
    ReceiverPipeline receiver(rc, wire);
    const auto in = tone(441);
    std::vector<float> out(441 * 2);
    // Keep the queue at its target: one 10 ms write per 10 ms read.
    for (int i = 0; i < 10; ++i) {
        sender.write(in.data(), 441);
        receiver.read(out.data(), 441);
    }
    for (auto _ : state) {
        state.PauseTiming();
        sender.write(in.data(), 441);
        state.ResumeTiming();
        receiver.read(out.data(), 441);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(state.iterations() * 441);
    if (!rc.drift_compensation) {
        state.SetLabel("intact (no resampler)");
    } else if (state.range(0) == -2) {
        state.SetLabel("drift compensation, builtin resampler");
    } else {
        state.SetLabel("drift compensation, speex quality " + std::to_string(rc.resampler_quality));
    }
    state.counters["frames/s"] =
        benchmark::Counter(double(state.iterations() * 441), benchmark::Counter::kIsRate);
}
// Arg: speex quality, -1 for no resampler (Roc's intact profile), -2 for
// the builtin resampler.
BENCHMARK(BM_Decode)->Arg(-1)->Arg(-2)->Arg(0)->Arg(1)->Arg(2)->Arg(3)->Arg(5);

} // namespace

BENCHMARK_MAIN();
