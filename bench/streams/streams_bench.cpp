// streams_bench [N]: creates N streams (half send, half receive) through the
// StreamService on a real store (fsync'ed) and real loopback sockets, lists
// and reads them, deletes them, and prints per-call latency; then measures
// the time from creating a send stream to the first non-silent frame played
// by a receive stream on the mock driver (10 runs).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/representation/stream_json.h"
#include "drivers/mock/mock_driver.h"
#include "ports/port_service.h"
#include "store/store.h"
#include "streams/stream_service.h"

using namespace rocd;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

drivers::MockDevice device(std::string name, PortDirection direction, std::uint32_t channels) {
    drivers::MockDevice d;
    d.info.name = std::move(name);
    d.info.display_name = d.info.name;
    d.info.direction = direction;
    d.info.channels = channels;
    d.info.rate = 48000;
    d.tone_hz = 1000;
    return d;
}

std::string port_uri(const std::string& name) {
    return "/peers/self/ports/" + drivers::port_uid("mock", name).str();
}

nlohmann::json send_body(const std::string& media) {
    return {{"source", {{"type", "port"}, {"port_uri", port_uri("mic_a")}}},
            {"destination", {{"type", "address"}, {"media_uri", media}}}};
}

nlohmann::json receive_body(const std::string& media, double latency_ms) {
    return {{"source", {{"type", "address"}, {"media_uri", media}}},
            {"destination", {{"type", "port"}, {"port_uri", port_uri("spk_b")}}},
            {"settings", {{"target_latency_ms", latency_ms}}}};
}

void report(const char* what, std::vector<double> us) {
    std::sort(us.begin(), us.end());
    double sum = 0;
    for (double v : us) {
        sum += v;
    }
    std::printf("%-28s n=%-4zu mean %8.1f us  p50 %8.1f us  p99 %8.1f us  max %8.1f us\n", what, us.size(),
                sum / us.size(), us[us.size() / 2], us[us.size() * 99 / 100], us.back());
}

double since_us(Clock::time_point t) {
    return std::chrono::duration<double, std::micro>(Clock::now() - t).count();
}

} // namespace

int main(int argc, char** argv) {
    const int n = argc > 1 ? std::atoi(argv[1]) : 100;
    const int base_port = 42000 + (getpid() % 1000) * 10;
    const auto dir =
        std::filesystem::temp_directory_path() / ("rocd-streams-bench-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    {
        drivers::MockDriver driver(
            {device("mic_a", PortDirection::input, 1), device("spk_b", PortDirection::output, 2)},
            {true, 5ms});
        auto loop = transport::net::NetworkLoop::create();
        auto store = store::Store::open(dir);
        if (!loop || !store) {
            std::fprintf(stderr, "setup failed\n");
            return 1;
        }
        boost::asio::io_context io;
        ports::PortService ports(io, driver, store->ports(), store->self_uid());
        streams::StreamService service(io, ports, driver, store->streams(), api::stream_spec_codec(), **loop);
        // What a REST call does: JSON in, JSON out.
        const auto create = [&service, &io](const nlohmann::json& body) -> Result<nlohmann::json> {
            auto spec = api::parse_stream_spec(body);
            if (!spec) {
                return tl::unexpected(spec.error());
            }
            std::optional<Result<streams::StreamView>> stream;
            service.create(*spec, [&stream](Result<streams::StreamView> made) { stream = std::move(made); });
            while (!stream) {
                io.restart();
                io.run_one_for(std::chrono::milliseconds(10));
            }
            if (!*stream) {
                return tl::unexpected(stream->error());
            }
            return api::stream_json(**stream);
        };
        // Until the sockets are closed, as the DELETE's answer waits.
        const auto remove = [&service, &io](const Uid& uid) {
            std::optional<Status> removed;
            service.remove(uid, [&removed](Status st) { removed = std::move(st); });
            while (!removed) {
                io.restart();
                io.run_one_for(std::chrono::milliseconds(10));
            }
            return *removed;
        };
        std::optional<Status> ports_started;
        ports.start([&](Status st) { ports_started = std::move(st); });
        while (!ports_started) {
            io.restart();
            io.run_one_for(std::chrono::milliseconds(10));
        }
        if (!*ports_started || !service.start()) {
            return 1;
        }

        std::vector<double> create_us, list_us, get_us, delete_us;
        std::vector<Uid> uids;
        for (int i = 0; i < n; ++i) {
            const std::string media = "rtp://127.0.0.1:" + std::to_string(base_port + 10000 + i);
            const auto t = Clock::now();
            auto out = create(i % 2 == 0 ? send_body(media) : receive_body(media, 200));
            create_us.push_back(since_us(t));
            if (!out) {
                std::fprintf(stderr, "create: %s\n", out.error().message.c_str());
                return 1;
            }
            uids.push_back(*Uid::parse((*out)["stream_uid"].get<std::string>()));
        }
        for (int i = 0; i < n; ++i) {
            auto t = Clock::now();
            nlohmann::json all = nlohmann::json::array();
            for (const auto& stream : service.list()) {
                all.push_back(api::stream_json(stream));
            }
            list_us.push_back(since_us(t));
            t = Clock::now();
            auto one = api::stream_json(*service.get(uids[i]));
            get_us.push_back(since_us(t));
        }
        for (const auto& uid : uids) {
            const auto t = Clock::now();
            if (!remove(uid)) {
                return 1;
            }
            delete_us.push_back(since_us(t));
        }
        std::printf("%d streams (half send, half receive), store fsync'ed on every change:\n", n);
        report("create", create_us);
        report("list (all streams)", list_us);
        report("get", get_us);
        report("delete", delete_us);

        // Time to first audio: a receive stream plays into spk_b; create a
        // send stream from mic_a and wait for non-silence in spk_b.
        for (double latency : {60.0, 200.0}) {
            std::vector<double> first_us;
            for (int run = 0; run < 10; ++run) {
                const std::string media = "rtp://127.0.0.1:" + std::to_string(base_port + run);
                auto rx = create(receive_body(media, latency));
                if (!rx) {
                    std::fprintf(stderr, "create: %s\n", rx.error().message.c_str());
                    return 1;
                }
                std::this_thread::sleep_for(50ms);
                std::size_t seen = driver.recording("spk_b").size();
                const auto t = Clock::now();
                auto tx = create(send_body(media));
                bool heard = false;
                while (!heard && Clock::now() - t < 3s) {
                    const auto rec = driver.recording("spk_b");
                    for (std::size_t i = seen; i < rec.size() && !heard; ++i) {
                        heard = rec[i] != 0.0f;
                    }
                    seen = rec.size();
                    if (!heard) {
                        std::this_thread::sleep_for(1ms);
                    }
                }
                first_us.push_back(since_us(t));
                remove(*Uid::parse((*tx)["stream_uid"].get<std::string>()));
                remove(*Uid::parse((*rx)["stream_uid"].get<std::string>()));
            }
            char what[64];
            std::snprintf(what, sizeof what, "create->first audio (%.0fms)", latency);
            report(what, first_us);
        }
    }
    std::filesystem::remove_all(dir);
    return 0;
}
