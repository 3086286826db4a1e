// Load benchmark: N concurrent 44.1 kHz stereo send+receive pairs on
// loopback, one shared network thread, one audio thread driving every
// sender and receiver every 10 ms in real time. Reports CPU per stream,
// streams per core at 50 % load, latency and memory per stream.
//
//   transport_load <streams> <seconds> [target_ms] [quality]
// quality: speex quality of the drift-compensation resampler (Roc: 5), or
// -1 for no drift compensation (no resampler), -2 for the builtin resampler.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include "transport/receiver.h"
#include "transport/sender.h"

using namespace rocd::transport;
using namespace std::chrono_literals;

namespace {

double cpu_seconds() {
    rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long rss_kb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::atol(line.c_str() + 6);
        }
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 10;
    const int seconds = argc > 2 ? std::atoi(argv[2]) : 10;
    const int target_ms = argc > 3 ? std::atoi(argv[3]) : 200;
    const int quality = argc > 4 ? std::atoi(argv[4]) : 5;

    const long rss0 = rss_kb();
    auto loop = net::NetworkLoop::create();
    if (!loop) {
        std::fprintf(stderr, "%s\n", loop.error().message.c_str());
        return 1;
    }
    std::vector<std::unique_ptr<Receiver>> receivers;
    std::vector<std::unique_ptr<Sender>> senders;
    for (int i = 0; i < n; ++i) {
        ReceiverConfig rc;
        rc.source = *parse_endpoint("rtp://127.0.0.1:0", Interface::source);
        rc.target_latency = std::chrono::milliseconds(target_ms);
        rc.resampler_quality = std::max(0, quality);
        rc.drift_compensation = quality != -1; // -1: Roc's "intact" profile, no resampler
        if (quality == -2) {
            rc.resampler_backend = audio::ResamplerBackend::builtin;
        }
        rc.max_sessions = 1;
        auto r = Receiver::create(rc, **loop);
        if (!r) {
            std::fprintf(stderr, "receiver %d: %s\n", i, r.error().message.c_str());
            return 1;
        }
        SenderConfig sc;
        sc.source = *parse_endpoint("rtp://127.0.0.1:" + std::to_string((*r)->local_address().port()),
                                    Interface::source);
        auto s = Sender::create(sc, **loop);
        if (!s) {
            std::fprintf(stderr, "sender %d: %s\n", i, s.error().message.c_str());
            return 1;
        }
        receivers.push_back(std::move(*r));
        senders.push_back(std::move(*s));
    }
    const long rss1 = rss_kb();

    constexpr std::size_t Frames = 441; // 10 ms periods, like a sound card
    std::vector<float> in(Frames * 2), out(Frames * 2);
    double phase = 0;
    const auto t0 = std::chrono::steady_clock::now();
    const int periods = seconds * 100;
    const int warmup = std::min(periods / 2, 300); // 3 s to settle
    double cpu_start = 0;
    double lat_min = 1e9, lat_max = -1e9, lat_sum = 0;
    long lat_count = 0;
    std::uint64_t missing_at_warmup = 0;
    std::uint64_t overruns = 0;
    for (int p = 0; p < periods; ++p) {
        if (p == warmup) {
            cpu_start = cpu_seconds();
            for (auto& r : receivers) {
                missing_at_warmup += r->metrics().frames_missing;
            }
        }
        for (std::size_t f = 0; f < Frames; ++f) {
            in[2 * f] = in[2 * f + 1] = 0.5f * float(std::sin(phase));
            phase += 2 * 3.14159265358979 * 440 / 44100;
        }
        for (auto& s : senders) {
            s->write(in.data(), Frames);
        }
        for (auto& r : receivers) {
            r->read(out.data(), Frames);
        }
        if (p >= warmup) {
            const auto m = receivers[static_cast<std::size_t>(p) % receivers.size()]->metrics();
            if (m.sessions > 0) {
                const double lat = std::chrono::duration<double, std::milli>(m.latency).count();
                lat_min = std::min(lat_min, lat);
                lat_max = std::max(lat_max, lat);
                lat_sum += lat;
                ++lat_count;
            }
        }
        const auto deadline = t0 + (p + 1) * 10ms;
        if (std::chrono::steady_clock::now() > deadline) {
            ++overruns;
        }
        std::this_thread::sleep_until(deadline);
    }
    const double cpu = cpu_seconds() - cpu_start;
    const double wall = double(periods - warmup) / 100.0;
    std::uint64_t missing = 0, lost = 0, started = 0, received = 0;
    int reported = 0; // streams whose session restarted or never started, shown
    for (std::size_t i = 0; i < receivers.size(); ++i) {
        const auto m = receivers[i]->metrics();
        if (m.sessions_started != 1 && ++reported <= 3) {
            const auto sm = senders[i]->metrics();
            std::printf(
                "stream %zu: %llu sessions; sender sent %llu, dropped %llu, errors %llu; receiver got %llu "
                "datagrams, %llu malformed, %llu overflow, %llu unroutable\n",
                i, (unsigned long long)m.sessions_started, (unsigned long long)sm.packets_sent,
                (unsigned long long)sm.packets_dropped, (unsigned long long)sm.send_errors,
                (unsigned long long)m.datagrams, (unsigned long long)m.packets_malformed,
                (unsigned long long)m.packets_overflow, (unsigned long long)m.packets_unroutable);
        }
        missing += m.frames_missing;
        lost += m.packets_lost;
        started += m.sessions_started;
        received += m.packets_received;
    }
    const double load = cpu / wall; // cores busy
    std::printf("streams=%d target=%dms quality=%d seconds=%d\n", n, target_ms, quality, seconds);
    std::printf("cpu: %.1f %% of one core in total, %.3f %% per stream (send+recv pair)\n", load * 100,
                load * 100 / n);
    std::printf("streams per core at 50 %% load: %.0f\n", 0.5 / (load / n));
    std::printf("latency (niq, after %d s): mean %.1f ms, min %.1f, max %.1f\n", warmup / 100,
                lat_count ? lat_sum / double(lat_count) : 0.0, lat_min, lat_max);
    std::printf("after settling: %llu frames of silence, %llu packets lost, %llu received, %llu sessions "
                "started (1 per stream = no restart), %llu late periods\n",
                (unsigned long long)(missing - missing_at_warmup), (unsigned long long)lost,
                (unsigned long long)received, (unsigned long long)started, (unsigned long long)overruns);
    std::printf("memory: %.0f KiB per stream (RSS growth %ld KiB for %d pairs)\n", double(rss1 - rss0) / n,
                rss1 - rss0, n);
    return 0;
}
