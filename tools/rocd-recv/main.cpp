// rocd-recv: receive Roc streams and write them to a WAV file, as roc-recv does.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <sndfile.h>
#include <spdlog/spdlog.h>

#include "io_uri.h"
#include "tool_options.h"
#include "transport/core/duration.h"
#include "transport/receiver.h"

using namespace rocd;
using namespace rocd::transport;

namespace {

std::atomic<bool> g_stop {false};

int die(const std::string& message) {
    std::fprintf(stderr, "rocd-recv: %s\n", message.c_str());
    return 1;
}

Result<core::Duration> parse_time_option(const std::string& text) {
    return core::parse_duration(text);
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app {"rocd-recv: receive Roc streams (RTP over UDP) into a file"};
    std::string output, source, repair, control, target_latency, latency_tolerance, no_play_timeout, duration,
        packet_len;
    std::size_t nbsrc = 0, nbrpr = 0;
    unsigned rate = 44100;
    std::string resampler_backend = "default";
    bool oneshot = false;
    int verbose = 0;
    app.add_option("-o,--output", output, "Output file: WAV path or file: URI")->required();
    app.add_option("-s,--source", source, "Local source endpoint (rtp://0.0.0.0:port)")->required();
    app.add_option("-r,--repair", repair, "Local repair endpoint (rs8m://, ldpc://)");
    app.add_option("-c,--control", control, "Local control endpoint (rtcp://)");
    app.add_option("--target-latency", target_latency, "Target latency (default 200ms)");
    app.add_option("--latency-tolerance", latency_tolerance, "Latency tolerance (default: Roc's formula)");
    app.add_option("--no-play-timeout", no_play_timeout, "End a session after this long without playback");
    app.add_option("--packet-len", packet_len, "Accepted for compatibility (the receiver takes any length)");
    app.add_option("--nbsrc", nbsrc, "Source packets per FEC block");
    app.add_option("--nbrpr", nbrpr, "Repair packets per FEC block");
    app.add_option("--rate", rate, "Output sample rate (Hz, default 44100)");
    app.add_option("--resampler-backend", resampler_backend,
                   "Drift-compensation resampler: default (= speex, as Roc), speex or builtin")
        ->check(CLI::IsMember({"default", "speex", "builtin"}));
    app.add_option("--duration", duration, "Stop after this much output (e.g. 5s)");
    app.add_flag("-1,--oneshot", oneshot, "Exit when the last sender goes away");
    app.add_flag("-v", verbose, "More logging (repeat for more)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help prints and exits 0; every usage error exits 1, as roc's tools.
        return app.exit(e) == 0 ? 0 : 1;
    }

    tools::set_verbosity(verbose);

    ReceiverConfig config;
    auto endpoints = tools::parse_endpoints(source, repair, control);
    if (!endpoints) {
        return die(endpoints.error().message);
    }
    config.source = endpoints->source;
    config.repair = endpoints->repair;
    config.control = endpoints->control;
    if ((nbsrc != 0 || nbrpr != 0) && !config.repair) {
        // The receiver learns the block size from the wire; like roc-recv
        // it only accepts the options with FEC.
        return die(
            "--nbsrc/--nbrpr need a FEC source and repair endpoint (-s rtp+rs8m:// -r rs8m://, or ldpc)");
    }
    struct TimeOpt {
        const std::string& text;
        core::Duration* into;
    };
    core::Duration stop_after {0};
    core::Duration ignored {0};
    for (const TimeOpt& t : {TimeOpt {target_latency, &config.target_latency},
                             TimeOpt {latency_tolerance, &config.latency_tolerance},
                             TimeOpt {no_play_timeout, &config.no_playback_timeout},
                             TimeOpt {duration, &stop_after}, TimeOpt {packet_len, &ignored}}) {
        if (!t.text.empty()) {
            auto d = parse_time_option(t.text);
            if (!d) {
                return die(d.error().message);
            }
            *t.into = *d;
        }
    }
    config.rate = rate;
    if (resampler_backend == "builtin") {
        config.resampler_backend = audio::ResamplerBackend::builtin;
    }
    if (auto st = config.validate(); !st) {
        return die(st.error().message);
    }
    auto path = tools::parse_file_uri(output);
    if (!path) {
        return die(path.error().message);
    }

    auto loop = net::NetworkLoop::create();
    if (!loop) {
        return die(loop.error().message);
    }
    auto receiver = Receiver::create(config, **loop);
    if (!receiver) {
        return die(receiver.error().message);
    }

    SF_INFO info {};
    info.samplerate = static_cast<int>(config.rate);
    info.channels = static_cast<int>(config.channels);
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT; // as roc-recv's file sink: 32-bit float
    SNDFILE* file = sf_open(path->c_str(), SFM_WRITE, &info);
    if (file == nullptr) {
        return die("cannot create '" + *path + "': " + sf_strerror(nullptr));
    }
    spdlog::info("receiving on {} into '{}' (target latency {})", (*receiver)->local_address().str(), *path,
                 core::format_duration(config.target_latency));

    std::signal(SIGINT, [](int) { g_stop = true; });
    std::signal(SIGTERM, [](int) { g_stop = true; });

    // The output file has no clock: a 10 ms timer plays the sound card.
    const std::size_t frame = config.rate / 100;
    std::vector<float> buf(frame * config.channels);
    const auto period =
        std::chrono::nanoseconds(1'000'000'000LL * static_cast<long long>(frame) / config.rate);
    const std::uint64_t stop_frames =
        stop_after.count() > 0 ? core::duration_to_samples(stop_after, config.rate) : UINT64_MAX;
    std::uint64_t written = 0;
    bool started = false;
    auto next = std::chrono::steady_clock::now();
    while (!g_stop && written < stop_frames) {
        (*receiver)->read(buf.data(), frame);
        const auto m = (*receiver)->metrics();
        if (m.sessions_started > 0) {
            if (!started) {
                spdlog::info("session started");
            }
            // Like roc-recv's file output, the file begins with the first sender.
            started = true;
        }
        if (started) {
            const std::size_t n =
                static_cast<std::size_t>(std::min<std::uint64_t>(frame, stop_frames - written));
            sf_writef_float(file, buf.data(), static_cast<sf_count_t>(n));
            written += n;
        }
        if (oneshot && started && m.sessions == 0) {
            spdlog::info("last sender gone, exiting (--oneshot)");
            break;
        }
        next += period;
        std::this_thread::sleep_until(next);
    }
    sf_close(file);
    const auto m = (*receiver)->metrics();
    spdlog::info("received {} packets: {} lost, {} late, {} duplicate, {} malformed; latency {}",
                 m.packets_received, m.packets_lost, m.packets_late, m.packets_duplicate, m.packets_malformed,
                 core::format_duration(m.latency));
    if (m.repair_received > 0) {
        spdlog::info("FEC: {} repair packets, {} source packets recovered", m.repair_received,
                     m.packets_recovered);
    }
    return 0;
}
