// The stream service: creates, runs, persists and reports streams. Lives on
// the control plane's thread (no locks); audio moves on the AudioPump's
// worker, packets on the transport's NetworkLoop.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/uid.h"
#include "drivers/device_driver.h"
#include "events/event_bus.h"
#include "store/stream_repository.h"
#include "streams/audio_pump.h"
#include "streams/stream_spec.h"
#include "transport/net/network_loop.h"

namespace rocd::streams {

/// Live state of a stream.
enum class StreamState {
    starting,         ///< opened, no audio has flowed yet
    active,           ///< packets flow
    idle,             ///< open, but no packets flow
    waiting_for_port, ///< the port is absent; resumes when it comes back
    error,            ///< could not run; see the reason
};

const char* state_name(StreamState state);

struct StreamServiceOptions {
    /// How often states are re-evaluated from the metrics.
    std::chrono::milliseconds state_interval {250};
    /// Without packets for this long an active stream becomes idle (and a
    /// starting one too, counted from its start).
    std::chrono::milliseconds idle_after {1000};
    /// Audio pump cycle.
    std::chrono::nanoseconds pump_period = std::chrono::milliseconds(3);
    /// How full the pump keeps a playback ring.
    std::chrono::milliseconds playback_fill {30};
};

class StreamService {
public:
    StreamService(boost::asio::io_context& io, drivers::DeviceDriver& driver,
                  store::StreamRepository& repository, events::EventBus& bus, Uid self_uid,
                  transport::net::NetworkLoop& loop, StreamServiceOptions options = {});
    ~StreamService();
    StreamService(const StreamService&) = delete;
    StreamService& operator=(const StreamService&) = delete;

    /// Subscribes to device events, restores the stored streams and starts
    /// the state timer. Fails only if the store cannot be read.
    Status start();

    /// POST /streams: validates, opens transport and device stream, stores,
    /// and returns the stream's JSON. Nothing is left behind on failure.
    Result<nlohmann::json> create(const nlohmann::json& body);
    Result<nlohmann::json> get(const Uid& uid) const;
    std::vector<nlohmann::json> list() const;
    /// PATCH: {"settings": {...}}; restarts the transport with the new
    /// settings, or keeps the old ones running on failure.
    Result<nlohmann::json> update(const Uid& uid, const nlohmann::json& body);
    Status remove(const Uid& uid);

    /// Re-evaluates every stream's state now (the timer's work).
    void evaluate_states();
    /// A device appeared or went away (on the control plane).
    void on_device_event(drivers::DeviceEvent event, const drivers::DeviceInfo& info);

    std::vector<events::Snapshot> snapshot() const;
    std::size_t size() const { return streams_.size(); }

private:
    struct Running;
    struct Entry;

    Result<std::unique_ptr<Running>> open(const StreamSpec& spec) const;
    void run(Entry& entry, std::unique_ptr<Running> running);
    void stop(Entry& entry);
    void set_state(Entry& entry, StreamState state, std::string error = {});
    void start_or_wait(Entry& entry);
    nlohmann::json json_of(const Entry& entry) const;
    Entry* find(const Uid& uid) const;
    void arm_timer();

    boost::asio::io_context& io_;
    drivers::DeviceDriver& driver_;
    store::StreamRepository& repository_;
    events::EventBus& bus_;
    const Uid self_uid_;
    transport::net::NetworkLoop& loop_;
    const StreamServiceOptions options_;
    AudioPump pump_;
    boost::asio::steady_timer timer_;
    std::vector<std::unique_ptr<Entry>> streams_;
    drivers::SubscriptionId subscription_ = 0;
    bool subscribed_ = false;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

} // namespace rocd::streams
