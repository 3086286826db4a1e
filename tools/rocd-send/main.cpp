// rocd-send: stream a WAV file to a Roc receiver, as roc-send does.
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
#include "transport/sender.h"

using namespace rocd;
using namespace rocd::transport;

namespace {

std::atomic<bool> g_stop {false};

int die(const std::string& message) {
    std::fprintf(stderr, "rocd-send: %s\n", message.c_str());
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app {"rocd-send: send audio from a file to a Roc receiver (RTP over UDP)"};
    std::string input, source, repair, control, target_latency, latency_tolerance, packet_len;
    std::size_t nbsrc = 0, nbrpr = 0;
    unsigned rate = 0;
    int verbose = 0;
    app.add_option("-i,--input", input, "Input file: WAV path or file: URI")->required();
    app.add_option("-s,--source", source, "Remote source endpoint (rtp://host:port)")->required();
    app.add_option("-r,--repair", repair, "Remote repair endpoint (rs8m://, ldpc://)");
    app.add_option("-c,--control", control, "Remote control endpoint (rtcp://)");
    app.add_option("--target-latency", target_latency,
                   "Target latency (e.g. 200ms); unused by the sender, as in roc-send's default profile");
    app.add_option("--latency-tolerance", latency_tolerance, "Latency tolerance; unused by the sender");
    app.add_option("--packet-len", packet_len, "Outgoing packet length (default 5ms)");
    app.add_option("--nbsrc", nbsrc, "Source packets per FEC block");
    app.add_option("--nbrpr", nbrpr, "Repair packets per FEC block");
    app.add_option("--rate", rate, "Input sample rate (Hz); files carry their own");
    app.add_flag("-v", verbose, "More logging (repeat for more)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help prints and exits 0; every usage error exits 1, as roc's tools.
        return app.exit(e) == 0 ? 0 : 1;
    }

    tools::set_verbosity(verbose);

    SenderConfig config;
    auto endpoints = tools::parse_endpoints(source, repair, control);
    if (!endpoints) {
        return die(endpoints.error().message);
    }
    config.source = endpoints->source;
    config.repair = endpoints->repair;
    config.control = endpoints->control;
    if (nbsrc != 0 || nbrpr != 0) {
        if (!config.repair) {
            return die(
                "--nbsrc/--nbrpr need a FEC source and repair endpoint (-s rtp+rs8m:// -r rs8m://, or ldpc)");
        }
        config.fec_source_packets = nbsrc != 0 ? nbsrc : config.fec_source_packets;
        config.fec_repair_packets = nbrpr != 0 ? nbrpr : config.fec_repair_packets;
    }
    for (const std::string* t : {&target_latency, &latency_tolerance}) {
        if (!t->empty()) {
            if (auto d = core::parse_duration(*t); !d) {
                return die(d.error().message);
            }
        }
    }
    if (!packet_len.empty()) {
        auto d = core::parse_duration(packet_len);
        if (!d) {
            return die(d.error().message);
        }
        config.packet_length = *d;
    }

    auto path = tools::parse_file_uri(input);
    if (!path) {
        return die(path.error().message);
    }
    SF_INFO info {};
    SNDFILE* file = sf_open(path->c_str(), SFM_READ, &info);
    if (file == nullptr) {
        return die("cannot open '" + *path + "': " + sf_strerror(nullptr));
    }
    if (rate != 0 && static_cast<int>(rate) != info.samplerate) {
        sf_close(file);
        return die("--rate " + std::to_string(rate) + " differs from the file's rate " +
                   std::to_string(info.samplerate));
    }
    config.rate = static_cast<std::uint32_t>(info.samplerate);
    config.channels = static_cast<std::uint32_t>(info.channels);

    auto loop = net::NetworkLoop::create();
    if (!loop) {
        sf_close(file);
        return die(loop.error().message);
    }
    auto sender = Sender::create(config, **loop);
    if (!sender) {
        sf_close(file);
        return die(sender.error().message);
    }
    spdlog::info("sending '{}' ({} Hz, {} ch) to {} (ssrc {})", *path, info.samplerate, info.channels,
                 config.source->uri.str(), (*sender)->ssrc());

    std::signal(SIGINT, [](int) { g_stop = true; });
    std::signal(SIGTERM, [](int) { g_stop = true; });

    // The file has no clock of its own: pace it with a 10 ms timer, as
    // roc-send does for file input (its "audio clock").
    const std::size_t frame = static_cast<std::size_t>(info.samplerate / 100);
    std::vector<float> buf(frame * static_cast<std::size_t>(info.channels));
    auto next = std::chrono::steady_clock::now();
    const auto period =
        std::chrono::nanoseconds(1'000'000'000LL * static_cast<long long>(frame) / info.samplerate);
    while (!g_stop) {
        const sf_count_t n = sf_readf_float(file, buf.data(), static_cast<sf_count_t>(frame));
        if (n <= 0) {
            break;
        }
        (*sender)->write(buf.data(), static_cast<std::size_t>(n));
        next += period;
        std::this_thread::sleep_until(next);
    }
    sf_close(file);
    const auto m = (*sender)->metrics();
    sender->reset(); // flushes the queue
    spdlog::info("sent {} packets, {} FEC repair ({} dropped, {} errors)", m.packets_produced,
                 m.repair_packets, m.packets_dropped, m.send_errors);
    if (m.have_receiver_report) {
        spdlog::info("receiver reports: lost {} ({:.1f} % last interval), jitter {:.2f} ms, rtt {:.2f} ms",
                     m.cumulative_lost, 100 * m.loss_fraction,
                     std::chrono::duration<double, std::milli>(m.jitter).count(),
                     std::chrono::duration<double, std::milli>(m.rtt).count());
    }
    return 0;
}
