// The stream service on the mock driver, a real store and real UDP, seen
// through its JSON as the REST routes use it: the fixture of the stream
// service's tests.
#pragma once

#include "streams/stream_service.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <numbers>

#include <gtest/gtest.h>

#include "api/representation/stream_json.h"
#include "drivers/mock/mock_driver.h"
#include "ports/port_service.h"
#include "store/store.h"
#include "support/await.h"
#include "support/temp_dir.h"

namespace rocd::streams {

using nlohmann::json;
using namespace std::chrono_literals;

/// The service seen through its JSON, as the REST routes use it, so that
/// these tests read like the API.
class JsonStreams {
public:
    JsonStreams(boost::asio::io_context& io, StreamService& service) : io_(io), service_(service) {}

    Result<json> create(const json& body) {
        auto spec = api::parse_stream_spec(body);
        if (!spec) {
            return tl::unexpected(spec.error());
        }
        return shown(
            test::await<StreamView>(io_, [&](auto done) { service_.create(*spec, std::move(done)); }));
    }
    Result<json> get(const Uid& uid) const { return shown(service_.get(uid)); }
    Result<json> update(const Uid& uid, const json& body) {
        auto stream = service_.get(uid);
        if (!stream) {
            return tl::unexpected(stream.error());
        }
        auto settings = api::patched_settings(*stream, body);
        if (!settings) {
            return tl::unexpected(settings.error());
        }
        return shown(test::await<StreamView>(
            io_, [&](auto done) { service_.update(uid, *settings, std::move(done)); }));
    }
    Status remove(const Uid& uid) {
        return test::await<void>(io_, [&](auto done) { service_.remove(uid, std::move(done)); });
    }
    std::size_t size() const { return service_.size(); }

private:
    static Result<json> shown(const Result<StreamView>& stream) {
        if (!stream) {
            return tl::unexpected(stream.error());
        }
        return api::stream_json(*stream);
    }

    boost::asio::io_context& io_;
    StreamService& service_;
};

inline drivers::MockDevice device(std::string name, PortDirection direction, std::uint32_t channels,
                                  double tone_hz) {
    drivers::MockDevice d;
    d.info.name = std::move(name);
    d.info.display_name = d.info.name;
    d.info.direction = direction;
    d.info.channels = channels;
    d.info.rate = 48000;
    d.tone_hz = tone_hz;
    return d;
}

/// A UDP socket bound to 127.0.0.1:`port` (0: a free one), or -1 if the
/// port is taken; the caller closes it.
inline int bound_udp_socket(std::uint16_t port) {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/// A UDP port on 127.0.0.1 that nobody uses right now.
inline std::uint16_t free_udp_port() {
    const int fd = bound_udp_socket(0);
    sockaddr_in addr {};
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

/// Relative power of `hz` in `samples` (one channel), Goertzel.
inline double power_at(const std::vector<float>& samples, std::size_t stride, double hz, double rate) {
    const double w = 2 * std::numbers::pi * hz / rate;
    const double coeff = 2 * std::cos(w);
    double s1 = 0, s2 = 0;
    for (std::size_t i = 0; i < samples.size(); i += stride) {
        const double s = samples[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
    }
    const double n = static_cast<double>(samples.size() / stride);
    return (s1 * s1 + s2 * s2 - coeff * s1 * s2) / (n * n);
}

class StreamServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        driver_ = std::make_unique<drivers::MockDriver>(
            std::vector {device("mic_a", PortDirection::input, 1, 1000.0),
                         device("spk_b", PortDirection::output, 2, 440.0)},
            drivers::MockDriver::Options {true, 5ms});
        auto loop = transport::net::NetworkLoop::create();
        ASSERT_TRUE(loop);
        loop_ = std::move(*loop);
        open_service();
    }

    void TearDown() override {
        service_.reset();
        streams_.reset();
        ports_.reset();
        store_.reset();
    }

    void open_service() {
        service_.reset();
        streams_.reset();
        ports_.reset();
        store_.reset();
        auto store = store::Store::open(dir_.path());
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::make_unique<store::Store>(std::move(*store));
        StreamServiceOptions options;
        options.state_interval = 50ms;
        options.idle_after = 400ms;
        ports_ = std::make_unique<ports::PortService>(io_, *driver_, store_->ports(), store_->self_uid());
        ASSERT_TRUE(test::await<void>(io_, [this](auto done) { ports_->start(std::move(done)); }));
        streams_ = std::make_unique<StreamService>(io_, *ports_, *driver_, store_->streams(),
                                                   api::stream_spec_codec(), *loop_, options);
        streams_->add_listener([this](StreamChange change, const StreamView&) {
            events_.push_back(api::stream_event_type(change));
        });
        service_.emplace(io_, *streams_);
        ASSERT_TRUE(streams_->start());
    }

    std::string port_uri(const std::string& name) const {
        return "/peers/self/ports/" + drivers::port_uid("mock", name).str();
    }

    json send_body(const std::string& port, const std::string& media) const {
        return {{"source", {{"type", "port"}, {"port_uri", port_uri(port)}}},
                {"destination", {{"type", "address"}, {"media_uri", media}}},
                {"settings", {{"packet_length_ms", 5}}}};
    }

    json receive_body(const std::string& media, const std::string& port) const {
        return {{"source", {{"type", "address"}, {"media_uri", media}}},
                {"destination", {{"type", "port"}, {"port_uri", port_uri(port)}}},
                {"settings", {{"target_latency_ms", 60}}}};
    }

    void run_for(std::chrono::milliseconds d) {
        io_.restart();
        io_.run_for(d);
    }

    /// Runs the control plane until `uid`'s state is `state` (at most 5 s).
    std::string wait_state(const std::string& uid, const std::string& state) {
        std::string now;
        for (int i = 0; i < 100; ++i) {
            now = (*service_->get(*Uid::parse(uid)))["state"];
            if (now == state) {
                break;
            }
            run_for(50ms);
        }
        return now;
    }

    Uid port_uid(const std::string& name) const { return drivers::port_uid("mock", name); }

    Status remove_port(const Uid& uid) {
        return test::await<void>(io_, [&](auto done) { ports_->remove(uid, std::move(done)); });
    }

    std::size_t stored() { return store_->streams().list()->size(); }

    test::TempDir dir_ {"rocd-streams"};
    boost::asio::io_context io_;
    std::vector<std::string> events_;
    std::unique_ptr<drivers::MockDriver> driver_;
    std::unique_ptr<transport::net::NetworkLoop> loop_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<ports::PortService> ports_;
    std::unique_ptr<StreamService> streams_;
    std::optional<JsonStreams> service_;
};

} // namespace rocd::streams
