// PipewireDriver::Impl: the state the driver keeps on its pw_thread_loop,
// declared once and implemented by concept in connection.cpp (core, loop,
// reconnect, completions and round trips), registry.cpp (globals, nodes,
// DeviceInfo), node_props.cpp (volume, mute), device_io.cpp (pw_streams and
// their rings) and virtual_devices.cpp. Internal to the driver.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pipewire/pipewire.h>

#include "drivers/io_core.h"
#include "drivers/listeners.h"
#include "drivers/pipewire/pipewire_driver.h"

namespace rocd::drivers {

/// Holds the thread loop's (recursive) lock for a scope.
class LoopLock {
public:
    explicit LoopLock(pw_thread_loop* loop) : loop_(loop) { pw_thread_loop_lock(loop_); }
    ~LoopLock() { pw_thread_loop_unlock(loop_); }
    LoopLock(const LoopLock&) = delete;
    LoopLock& operator=(const LoopLock&) = delete;

private:
    pw_thread_loop* loop_;
};

/// One pw_stream moving frames between the server and an IoCore: device
/// I/O, or the node of a virtual device.
struct PwStream {
    pw_stream* stream = nullptr;
    spa_hook listener {};
    /// Read by the audio thread only; changed only on the data loop
    /// (pw_loop_invoke) or before the pw_stream is connected.
    IoCore* core = nullptr;
    IoKind kind = IoKind::capture;
    std::uint32_t stride = 0;
    std::uint32_t rate = 0;
    /// Loop-thread copy of `core` for state reporting.
    IoCore* status = nullptr;
    std::string label;
};

/// Everything below is touched with the loop lock held (on the loop thread
/// or by a caller holding LoopLock), except the atomics and `devices`.
class PipewireDriver::Impl {
public:
    struct Node {
        Impl* impl = nullptr;
        std::uint32_t id = 0;
        pw_proxy* proxy = nullptr;
        spa_hook listener {};
        DeviceInfo info;
        bool announced = false;
    };

    struct Virtual {
        VirtualDeviceSpec spec;
        std::unique_ptr<PwStream> pw;
        /// The core of the one I/O opened on it, if any.
        std::shared_ptr<IoCore> attached;
    };

    /// Capture or playback on a device that is not one of ours.
    struct Io {
        DeviceIoSpec spec;
        bool monitor = false; // capture from a sink's monitor
        std::vector<std::string> positions;
        std::shared_ptr<IoCore> core;
        std::unique_ptr<PwStream> pw;
    };

    /// A timer on the loop that runs `fire` once unless cancelled first.
    struct Timer {
        Impl* impl = nullptr;
        std::uint64_t id = 0;
        spa_source* source = nullptr;
        std::function<void()> fire;
    };

    /// A pw_core_sync whose done (or timeout, or lost connection) runs `then`.
    struct RoundTrip {
        int seq = 0;
        std::uint64_t timer = 0;
        std::function<void(bool answered)> then;
    };

    /// A virtual device created but not yet listed.
    struct PendingCreate {
        Completion<DeviceInfo> done;
        std::uint64_t timer = 0;
        bool listed = false; // announced: waiting for its params
    };

    /// A virtual device destroyed while the server still lists its node.
    struct PendingDestroy {
        Completion<void> done;
        std::uint64_t timer = 0;
    };

    explicit Impl(DriverOptions o);
    ~Impl();

    // ---- connection.cpp: core, loop, reconnect, completions, round trips
    Status start();
    bool connect_core(int* err);
    void teardown(bool notify);
    void arm_retry(std::chrono::milliseconds delay);
    static void on_retry(void* data, std::uint64_t);
    static void on_core_info(void* data, const pw_core_info* info);
    static void on_core_done(void* data, std::uint32_t id, int seq);
    static void on_core_error(void* data, std::uint32_t id, int seq, int res, const char* message);
    /// Blocking round trip, for connect() only; false on timeout or lost connection.
    bool sync(std::chrono::milliseconds timeout);
    /// Runs `fn` on the loop thread from a loop event, after the current
    /// callback: how every Completion is delivered.
    void post(std::function<void()> fn);
    template <class T> void complete(Completion<T> done, Result<T> result) {
        post([done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
    }
    static void on_posted(void* data, std::uint64_t);
    std::uint64_t add_timer(std::chrono::milliseconds after, std::function<void()> fire);
    void cancel_timer(std::uint64_t id);
    static void on_timer(void* data, std::uint64_t);
    /// Asynchronous round trip: `then(true)` once the server answered,
    /// `then(false)` on timeout or lost connection; never inline.
    void round_trip(std::chrono::milliseconds timeout, std::function<void(bool)> then);
    void finish_round_trips(std::optional<int> up_to_seq);

    // ---- registry.cpp: globals, nodes, DeviceInfo
    static void on_global(void* data, std::uint32_t id, std::uint32_t, const char* type, std::uint32_t,
                          const spa_dict* props);
    static void on_global_remove(void* data, std::uint32_t id);
    static void on_node_info(void* data, const pw_node_info* info);
    static void on_node_param(void* data, int, std::uint32_t id, std::uint32_t index, std::uint32_t,
                              const spa_pod* param);
    void update(Node& node, DeviceInfo d);
    Node* node_by_name(std::string_view name);

    // ---- node_props.cpp
    void set_props(std::string name, std::optional<float> volume, std::optional<bool> mute,
                   Completion<void> done);

    // ---- device_io.cpp: pw_streams and their rings
    void destroy_stream(std::unique_ptr<PwStream>& pw);
    void set_core(PwStream& pw, IoCore* core);
    bool connect_stream(PwStream& pw, pw_properties* props, pw_direction direction, std::uint32_t rate,
                        std::uint32_t channels, const std::vector<std::string>& positions, bool autoconnect);
    void start_io(Io& io);
    void close_io(std::uint64_t id);
    std::chrono::nanoseconds stream_latency(PwStream* pw);
    Result<std::unique_ptr<DeviceIo>> open_io(const DeviceIoSpec& spec);

    // ---- virtual_devices.cpp
    void start_virtual(Virtual& v);
    void detach_virtual(const std::string& name, const IoCore* core_ptr);
    void create_virtual(const VirtualDeviceSpec& spec, Completion<DeviceInfo> done);
    void destroy_virtual(std::string name, Completion<void> done);
    /// Registry: a node of that name is now announced.
    void on_virtual_listed(const std::string& name);
    void fail_pending_create(const std::string& name, Error error, bool remove_device);
    /// Registry: the node of that name is gone; runs the pending destroys.
    void on_virtual_unlisted(const std::string& name);

    DriverOptions options;
    pw_thread_loop* loop = nullptr;
    pw_context* context = nullptr;
    pw_loop* data_loop = nullptr;
    pw_core* core = nullptr;
    spa_hook core_listener {};
    pw_registry* registry = nullptr;
    spa_hook registry_listener {};
    spa_source* retry_timer = nullptr;
    std::chrono::milliseconds backoff;
    bool core_failed = false;
    bool shutting_down = false;
    int done_seq = -1;
    std::uint32_t clock_rate = 48000;
    std::atomic<bool> connected {false};
    std::atomic<std::uint64_t> connections {0};

    spa_source* posted_event = nullptr;
    std::deque<std::function<void()>> posted;
    std::map<std::uint64_t, std::unique_ptr<Timer>> timers;
    std::uint64_t next_timer = 1;
    std::map<std::uint64_t, RoundTrip> round_trips;
    std::uint64_t next_round_trip = 1;
    std::map<std::string, PendingCreate, std::less<>> pending_creates;
    std::multimap<std::string, PendingDestroy, std::less<>> pending_destroys;

    std::map<std::uint32_t, std::unique_ptr<Node>> nodes;
    mutable std::mutex devices_mutex;
    std::map<std::string, DeviceInfo, std::less<>> devices;
    std::map<std::string, std::unique_ptr<Virtual>, std::less<>> virtuals;
    std::map<std::uint64_t, std::unique_ptr<Io>> ios;
    std::uint64_t next_io = 1;
    Listeners listeners;
};

} // namespace rocd::drivers
