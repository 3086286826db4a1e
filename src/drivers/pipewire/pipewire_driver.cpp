#include "drivers/pipewire/pipewire_driver.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>

#include <pipewire/pipewire.h>
#include <spa/param/props.h>
#include <spa/pod/builder.h>
#include <spa/utils/result.h>
#include <spdlog/spdlog.h>

#include "drivers/listeners.h"
#include "drivers/pipewire/pod.h"
#include "drivers/ring_audio_stream.h"

namespace rocd::drivers {

namespace {

std::once_flag pw_init_once;

std::optional<Direction> direction_of_class(std::string_view media_class) {
    if (media_class == "Audio/Sink") {
        return Direction::output;
    }
    if (media_class == "Audio/Source" || media_class == "Audio/Source/Virtual") {
        return Direction::input;
    }
    if (media_class == "Audio/Duplex") {
        return Direction::duplex;
    }
    return std::nullopt;
}

const char* lookup(const spa_dict* dict, const char* key) {
    return dict != nullptr ? spa_dict_lookup(dict, key) : nullptr;
}

std::uint32_t parse_u32(const char* text) {
    std::uint32_t v = 0;
    if (text != nullptr) {
        std::from_chars(text, text + std::strlen(text), v);
    }
    return v;
}

/// "[ FL FR ]", "FL,FR" or "FL FR" -> {"FL", "FR"}.
std::vector<std::string> parse_position_list(const char* text) {
    std::vector<std::string> out;
    std::string cur;
    for (const char* p = text; p != nullptr && *p != '\0'; ++p) {
        if (*p == '[' || *p == ']' || *p == ',' || *p == ' ' || *p == '"') {
            if (!cur.empty()) {
                out.push_back(std::move(cur));
                cur.clear();
            }
        } else {
            cur.push_back(*p);
        }
    }
    if (!cur.empty()) {
        out.push_back(std::move(cur));
    }
    return out;
}

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

// CLOCK_MONOTONIC is served by the vDSO: no system call on the audio thread.
inline std::int64_t monotonic_ns() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::string not_running_message(const std::string& remote, int err) {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    std::string where = remote.empty()
                            ? (std::getenv("PIPEWIRE_REMOTE") ? std::getenv("PIPEWIRE_REMOTE") : "pipewire-0")
                            : remote;
    return "cannot connect to the PipeWire server (socket \"" + where +
           "\" in XDG_RUNTIME_DIR=" + (runtime ? runtime : "<unset>") + "): " + std::strerror(err) +
           ". Start PipeWire and WirePlumber for this user (systemctl --user start pipewire wireplumber), "
           "or run rocd inside a private session (eval \"$(scripts/pipewire-sandbox start)\"), "
           "or use --driver mock.";
}

} // namespace

/// One pw_stream moving frames between the server and a StreamCore: a
/// capture or playback stream, or the node of a virtual device.
struct PwStream {
    pw_stream* stream = nullptr;
    spa_hook listener {};
    /// Read by the audio thread only; changed only on the data loop
    /// (pw_loop_invoke) or before the stream is connected.
    StreamCore* core = nullptr;
    StreamKind kind = StreamKind::capture;
    std::uint32_t stride = 0;
    std::uint32_t rate = 0;
    /// Loop-thread copy of `core` for state reporting.
    StreamCore* status = nullptr;
    std::string label;
};

namespace {

void on_process(void* data) {
    // Real-time: no locks, allocation, logging or system calls from here on.
    auto* s = static_cast<PwStream*>(data);
    StreamCore* core = s->core;
    const bool probe = core != nullptr && core->cost_probe_enabled();
    const std::int64_t t0 = probe ? monotonic_ns() : 0;
    pw_buffer* b = pw_stream_dequeue_buffer(s->stream);
    if (b == nullptr) {
        return;
    }
    spa_data& d = b->buffer->datas[0];
    if (d.data != nullptr && s->stride != 0) {
        if (s->kind == StreamKind::capture) {
            const std::uint32_t offset = std::min(d.chunk->offset, d.maxsize);
            const std::uint32_t size = std::min(d.chunk->size, d.maxsize - offset);
            const std::uint32_t frames = size / s->stride;
            if (core != nullptr && frames > 0) {
                core->capture_period(static_cast<const float*>(SPA_PTROFF(d.data, offset, void)), frames);
            }
        } else {
            std::uint32_t frames = d.maxsize / s->stride;
            if (b->requested != 0) {
                frames = static_cast<std::uint32_t>(std::min<std::uint64_t>(frames, b->requested));
            }
            if (core != nullptr) {
                core->playback_period(static_cast<float*>(d.data), frames);
            } else {
                std::memset(d.data, 0, std::size_t(frames) * s->stride);
            }
            d.chunk->offset = 0;
            d.chunk->stride = static_cast<std::int32_t>(s->stride);
            d.chunk->size = frames * s->stride;
        }
    }
    pw_stream_queue_buffer(s->stream, b);
    if (probe) {
        core->record_cost(
            static_cast<std::uint32_t>(std::min<std::int64_t>(monotonic_ns() - t0, UINT32_MAX)));
    }
}

void on_stream_state(void* data, pw_stream_state old, pw_stream_state state, const char* error) {
    auto* s = static_cast<PwStream*>(data);
    if (s->status != nullptr) {
        s->status->set_connected(state == PW_STREAM_STATE_STREAMING || state == PW_STREAM_STATE_PAUSED);
    }
    if (state == PW_STREAM_STATE_ERROR) {
        spdlog::warn("pipewire: stream {}: {}", s->label, error ? error : "error");
    } else {
        spdlog::debug("pipewire: stream {}: {} -> {}", s->label, pw_stream_state_as_string(old),
                      pw_stream_state_as_string(state));
    }
}

const pw_stream_events stream_events = [] {
    pw_stream_events e {};
    e.version = PW_VERSION_STREAM_EVENTS;
    e.state_changed = on_stream_state;
    e.process = on_process;
    return e;
}();

} // namespace

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
        /// The core of the one stream opened on it, if any.
        std::shared_ptr<StreamCore> attached;
    };

    struct Open {
        StreamSpec spec;
        bool monitor = false; // capture from a sink's monitor
        std::vector<std::string> positions;
        std::shared_ptr<StreamCore> core;
        std::unique_ptr<PwStream> pw;
    };

    explicit Impl(DriverOptions o) : options(std::move(o)), backoff(options.reconnect_min) {}

    ~Impl() {
        if (loop == nullptr) {
            return;
        }
        {
            LoopLock lock(loop);
            shutting_down = true;
            if (retry_timer != nullptr) {
                pw_loop_destroy_source(pw_thread_loop_get_loop(loop), retry_timer);
            }
            teardown(/*notify=*/false);
            virtuals.clear();
            opens.clear();
        }
        pw_thread_loop_stop(loop);
        if (context != nullptr) {
            pw_context_destroy(context);
        }
        pw_thread_loop_destroy(loop);
    }

    Status start() {
        std::call_once(pw_init_once, [] { pw_init(nullptr, nullptr); });
        loop = pw_thread_loop_new("rocd-pipewire", nullptr);
        if (loop == nullptr) {
            return fail(Errc::internal, "pipewire: cannot create the thread loop");
        }
        // client-rt.conf loads module-rt: the data thread that runs the
        // process callbacks gets real-time scheduling (SCHED_FIFO via RTKit
        // or directly), as pw-play/pw-record do. Plain client.conf does not.
        context = pw_context_new(pw_thread_loop_get_loop(loop),
                                 pw_properties_new(PW_KEY_CONFIG_NAME, "client-rt.conf", nullptr), 0);
        if (context == nullptr) {
            return fail(Errc::internal,
                        std::string("pipewire: cannot create a context: ") + std::strerror(errno));
        }
        data_loop = pw_data_loop_get_loop(pw_context_get_data_loop(context));
        if (pw_thread_loop_start(loop) < 0) {
            return fail(Errc::internal, "pipewire: cannot start the thread loop");
        }
        LoopLock lock(loop);
        retry_timer = pw_loop_add_timer(pw_thread_loop_get_loop(loop), on_retry, this);
        int err = 0;
        if (!connect_core(&err)) {
            return fail(Errc::unavailable, not_running_message(options.pipewire_remote, err));
        }
        // Two round trips: globals arrive, then the bound nodes' info and params.
        for (int i = 0; i < 2; ++i) {
            if (!sync(options.connect_timeout)) {
                return fail(Errc::unavailable, not_running_message(options.pipewire_remote, ETIMEDOUT));
            }
        }
        return {};
    }

    // ---- connection (loop lock held)

    bool connect_core(int* err) {
        pw_properties* props = nullptr;
        if (!options.pipewire_remote.empty()) {
            props = pw_properties_new(PW_KEY_REMOTE_NAME, options.pipewire_remote.c_str(), nullptr);
        }
        core = pw_context_connect(context, props, 0);
        if (core == nullptr) {
            *err = errno;
            return false;
        }
        core_failed = false;
        done_seq = -1; // sequence numbers start again on a new connection
        static const pw_core_events core_events = [] {
            pw_core_events e {};
            e.version = PW_VERSION_CORE_EVENTS;
            e.info = on_core_info;
            e.done = on_core_done;
            e.error = on_core_error;
            return e;
        }();
        pw_core_add_listener(core, &core_listener, &core_events, this);
        registry = pw_core_get_registry(core, PW_VERSION_REGISTRY, 0);
        static const pw_registry_events registry_events = [] {
            pw_registry_events e {};
            e.version = PW_VERSION_REGISTRY_EVENTS;
            e.global = on_global;
            e.global_remove = on_global_remove;
            return e;
        }();
        pw_registry_add_listener(registry, &registry_listener, &registry_events, this);
        for (auto& [_, v] : virtuals) {
            start_virtual(*v);
        }
        for (auto& [_, o] : opens) {
            start_open(*o);
        }
        connected.store(true);
        connections.fetch_add(1);
        backoff = options.reconnect_min;
        return true;
    }

    /// Drops everything that belongs to the current connection; the
    /// virtual devices and open streams stay listed for re-creation.
    void teardown(bool notify) {
        connected.store(false);
        for (auto& [_, v] : virtuals) {
            destroy_stream(v->pw);
        }
        for (auto& [_, o] : opens) {
            destroy_stream(o->pw);
            o->core->set_connected(false);
        }
        std::vector<DeviceInfo> gone;
        for (auto& [_, n] : nodes) {
            if (n->announced) {
                gone.push_back(n->info);
            }
            spa_hook_remove(&n->listener);
            pw_proxy_destroy(n->proxy);
        }
        nodes.clear();
        {
            std::lock_guard lock(devices_mutex);
            devices.clear();
        }
        if (registry != nullptr) {
            spa_hook_remove(&registry_listener);
            pw_proxy_destroy(reinterpret_cast<pw_proxy*>(registry));
            registry = nullptr;
        }
        if (core != nullptr) {
            spa_hook_remove(&core_listener);
            pw_core_disconnect(core);
            core = nullptr;
        }
        if (notify) {
            for (auto& d : gone) {
                listeners.notify(DeviceEvent::removed, d);
            }
        }
    }

    void arm_retry(std::chrono::milliseconds delay) {
        timespec ts {};
        ts.tv_sec = delay.count() / 1000;
        ts.tv_nsec = (delay.count() % 1000) * 1'000'000 + 1; // 0 would disarm the timer
        pw_loop_update_timer(pw_thread_loop_get_loop(loop), retry_timer, &ts, nullptr, false);
    }

    static void on_retry(void* data, std::uint64_t) {
        auto* self = static_cast<Impl*>(data);
        if (self->shutting_down) {
            return;
        }
        if (self->core != nullptr && self->core_failed) {
            spdlog::warn("pipewire: server went away; reconnecting");
            self->teardown(/*notify=*/true);
        }
        if (self->core != nullptr) {
            return;
        }
        int err = 0;
        if (self->connect_core(&err)) {
            spdlog::info("pipewire: connected (connection #{})", self->connections.load());
            return;
        }
        spdlog::debug("pipewire: reconnect failed: {}; next try in {} ms", std::strerror(err),
                      self->backoff.count());
        self->arm_retry(self->backoff);
        self->backoff = std::min(self->backoff * 2, self->options.reconnect_max);
    }

    static void on_core_info(void* data, const pw_core_info* info) {
        auto* self = static_cast<Impl*>(data);
        if (const char* rate = lookup(info->props, "default.clock.rate")) {
            self->clock_rate = std::max<std::uint32_t>(parse_u32(rate), 1);
        }
    }

    static void on_core_done(void* data, std::uint32_t id, int seq) {
        auto* self = static_cast<Impl*>(data);
        if (id == PW_ID_CORE) {
            self->done_seq = seq;
            pw_thread_loop_signal(self->loop, false);
        }
    }

    static void on_core_error(void* data, std::uint32_t id, int seq, int res, const char* message) {
        auto* self = static_cast<Impl*>(data);
        if (id == PW_ID_CORE && res == -EPIPE) {
            // The server is gone; tear down outside of this callback.
            self->core_failed = true;
            self->connected.store(false);
            self->arm_retry(std::chrono::milliseconds(0));
            pw_thread_loop_signal(self->loop, false);
            return;
        }
        spdlog::warn("pipewire: error on object {} (seq {}): {} ({})", id, seq, message ? message : "",
                     spa_strerror(res));
    }

    /// A round trip to the server; false on timeout or lost connection.
    bool sync(std::chrono::milliseconds timeout) {
        if (core == nullptr || core_failed) {
            return false;
        }
        if (pw_thread_loop_in_thread(loop)) {
            return true; // cannot wait on our own thread (a listener called us)
        }
        const int seq = pw_core_sync(core, PW_ID_CORE, 0);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (done_seq < seq) {
            if (core_failed || std::chrono::steady_clock::now() >= deadline) {
                return false;
            }
            pw_thread_loop_timed_wait(loop, 1);
        }
        return true;
    }

    // ---- registry and nodes (loop thread)

    static void on_global(void* data, std::uint32_t id, std::uint32_t, const char* type, std::uint32_t,
                          const spa_dict* props) {
        auto* self = static_cast<Impl*>(data);
        if (std::strcmp(type, PW_TYPE_INTERFACE_Node) != 0) {
            return;
        }
        const char* media_class = lookup(props, PW_KEY_MEDIA_CLASS);
        if (media_class == nullptr || !direction_of_class(media_class)) {
            return;
        }
        auto node = std::make_unique<Node>();
        node->impl = self;
        node->id = id;
        node->proxy = static_cast<pw_proxy*>(pw_registry_bind(self->registry, id, type, PW_VERSION_NODE, 0));
        if (node->proxy == nullptr) {
            return;
        }
        node->info.rate = self->clock_rate;
        static const pw_node_events node_events = [] {
            pw_node_events e {};
            e.version = PW_VERSION_NODE_EVENTS;
            e.info = on_node_info;
            e.param = on_node_param;
            return e;
        }();
        pw_node_add_listener(reinterpret_cast<pw_node*>(node->proxy), &node->listener, &node_events,
                             node.get());
        std::uint32_t ids[] = {SPA_PARAM_EnumFormat, SPA_PARAM_Props};
        pw_node_subscribe_params(reinterpret_cast<pw_node*>(node->proxy), ids, 2);
        self->nodes[id] = std::move(node);
    }

    static void on_global_remove(void* data, std::uint32_t id) {
        auto* self = static_cast<Impl*>(data);
        auto it = self->nodes.find(id);
        if (it == self->nodes.end()) {
            return;
        }
        std::unique_ptr<Node> node = std::move(it->second);
        self->nodes.erase(it);
        spa_hook_remove(&node->listener);
        pw_proxy_destroy(node->proxy);
        if (node->announced) {
            {
                std::lock_guard lock(self->devices_mutex);
                auto d = self->devices.find(node->info.name);
                if (d != self->devices.end() && d->second == node->info) {
                    self->devices.erase(d);
                }
            }
            // Streams on it stop rather than being moved to another
            // device by the session manager; they restart when it is back.
            for (auto& [_, o] : self->opens) {
                if (o->spec.device == node->info.name && self->node_by_name(node->info.name) == nullptr) {
                    self->destroy_stream(o->pw);
                }
            }
            self->listeners.notify(DeviceEvent::removed, node->info);
        }
    }

    static void on_node_info(void* data, const pw_node_info* info) {
        auto* node = static_cast<Node*>(data);
        DeviceInfo d = node->info;
        if ((info->change_mask & PW_NODE_CHANGE_MASK_PROPS) != 0 && info->props != nullptr) {
            const spa_dict* p = info->props;
            if (const char* v = lookup(p, PW_KEY_NODE_NAME)) {
                d.name = v;
            }
            const char* desc = lookup(p, PW_KEY_NODE_DESCRIPTION);
            if (desc == nullptr) {
                desc = lookup(p, PW_KEY_NODE_NICK);
            }
            d.display_name = desc ? desc : d.name;
            if (const char* v = lookup(p, PW_KEY_MEDIA_CLASS)) {
                d.direction = direction_of_class(v).value_or(d.direction);
            }
            if (const char* v = lookup(p, "audio.rate"); v && parse_u32(v) > 0) {
                d.rate = parse_u32(v);
            }
            if (const char* v = lookup(p, PW_KEY_AUDIO_CHANNELS); v && parse_u32(v) > 0) {
                d.channels = parse_u32(v);
            }
            if (const char* v = lookup(p, "audio.position")) {
                d.positions = parse_position_list(v);
                if (d.channels == 0) {
                    d.channels = static_cast<std::uint32_t>(d.positions.size());
                }
            }
            const char* virt = lookup(p, "rocd.virtual");
            d.is_virtual = virt != nullptr && std::strcmp(virt, "true") == 0;
        }
        if ((info->change_mask & PW_NODE_CHANGE_MASK_PARAMS) != 0 && node->announced) {
            // Re-read Props when they changed (volume, mute).
            for (std::uint32_t i = 0; i < info->n_params; ++i) {
                if (info->params[i].id == SPA_PARAM_Props && (info->params[i].flags & SPA_PARAM_INFO_READ)) {
                    pw_node_enum_params(reinterpret_cast<pw_node*>(node->proxy), 0, SPA_PARAM_Props, 0,
                                        UINT32_MAX, nullptr);
                }
            }
        }
        node->impl->update(*node, std::move(d));
    }

    static void on_node_param(void* data, int, std::uint32_t id, std::uint32_t index, std::uint32_t,
                              const spa_pod* param) {
        auto* node = static_cast<Node*>(data);
        DeviceInfo d = node->info;
        if (id == SPA_PARAM_EnumFormat && index == 0) {
            if (auto f = pw::parse_format(param)) {
                if (f->rate > 0) {
                    d.rate = f->rate;
                }
                if (f->channels > 0) {
                    d.channels = f->channels;
                }
                if (!f->positions.empty() && f->positions.size() == d.channels) {
                    d.positions = f->positions;
                }
            }
        } else if (id == SPA_PARAM_Props) {
            auto p = pw::parse_props(param);
            if (p.volume) {
                d.volume = *p.volume;
            }
            if (p.mute) {
                d.mute = *p.mute;
            }
        } else {
            return;
        }
        node->impl->update(*node, std::move(d));
    }

    void update(Node& node, DeviceInfo d) {
        if (d.name.empty()) {
            return;
        }
        if (node.announced && d == node.info) {
            return;
        }
        const bool added = !node.announced;
        const std::string old_name = node.info.name;
        node.info = std::move(d);
        node.announced = true;
        {
            std::lock_guard lock(devices_mutex);
            if (!added && old_name != node.info.name) {
                devices.erase(old_name);
            }
            devices[node.info.name] = node.info;
        }
        if (added) {
            for (auto& [_, o] : opens) {
                if (o->spec.device == node.info.name && (!o->pw || o->pw->stream == nullptr)) {
                    start_open(*o);
                }
            }
        }
        listeners.notify(added ? DeviceEvent::added : DeviceEvent::changed, node.info);
    }

    Node* node_by_name(std::string_view name) {
        for (auto& [_, n] : nodes) {
            if (n->announced && n->info.name == name) {
                return n.get();
            }
        }
        return nullptr;
    }

    // ---- streams (loop lock held)

    void destroy_stream(std::unique_ptr<PwStream>& pw) {
        if (pw && pw->stream != nullptr) {
            spa_hook_remove(&pw->listener);
            pw_stream_destroy(pw->stream);
            pw->stream = nullptr;
        }
        if (pw && pw->status != nullptr) {
            pw->status->set_connected(false);
        }
    }

    /// Swaps the StreamCore a running stream's audio thread uses, on the
    /// data loop itself, so the audio thread never sees a core go away.
    void set_core(PwStream& pw, StreamCore* core) {
        pw.status = core;
        if (pw.stream == nullptr) {
            pw.core = core;
            return;
        }
        struct Args {
            PwStream* pw;
            StreamCore* core;
        } args {&pw, core};
        pw_loop_invoke(
            data_loop,
            [](spa_loop*, bool, std::uint32_t, const void* data, std::size_t, void*) -> int {
                const auto* a = static_cast<const Args*>(data);
                a->pw->core = a->core;
                return 0;
            },
            0, &args, sizeof args, true, nullptr);
    }

    bool connect_stream(PwStream& pw, pw_properties* props, pw_direction direction, std::uint32_t rate,
                        std::uint32_t channels, const std::vector<std::string>& positions, bool autoconnect) {
        pw.stride = channels * sizeof(float);
        pw.rate = rate;
        pw.stream = pw_stream_new(core, pw.label.c_str(), props);
        if (pw.stream == nullptr) {
            spdlog::warn("pipewire: cannot create stream {}: {}", pw.label, std::strerror(errno));
            return false;
        }
        pw_stream_add_listener(pw.stream, &pw.listener, &stream_events, &pw);
        std::uint8_t buffer[1024];
        spa_pod_builder b;
        spa_pod_builder_init(&b, buffer, sizeof buffer);
        const spa_pod* params[1] = {pw::build_f32_format(&b, rate, channels, positions)};
        std::uint32_t flags = PW_STREAM_FLAG_MAP_BUFFERS | PW_STREAM_FLAG_RT_PROCESS;
        if (autoconnect) {
            flags |= PW_STREAM_FLAG_AUTOCONNECT;
        }
        const int res = pw_stream_connect(pw.stream, direction, PW_ID_ANY,
                                          static_cast<pw_stream_flags>(flags), params, 1);
        if (res < 0) {
            spdlog::warn("pipewire: cannot connect stream {}: {}", pw.label, spa_strerror(res));
            destroy_stream_only(pw);
            return false;
        }
        return true;
    }

    void destroy_stream_only(PwStream& pw) {
        if (pw.stream != nullptr) {
            spa_hook_remove(&pw.listener);
            pw_stream_destroy(pw.stream);
            pw.stream = nullptr;
        }
    }

    void start_virtual(Virtual& v) {
        if (core == nullptr) {
            return;
        }
        const auto& spec = v.spec;
        const bool speaker = spec.direction == Direction::output;
        v.pw = std::make_unique<PwStream>();
        v.pw->kind = speaker ? StreamKind::capture : StreamKind::playback;
        v.pw->label = spec.name;
        v.pw->core = v.attached.get();
        v.pw->status = v.attached.get();
        const std::string latency =
            std::to_string(std::max<std::uint32_t>(spec.period_frames, 32)) + "/" + std::to_string(spec.rate);
        // As PipeWire's roc and rtp modules do: a stream whose media class
        // makes it a device; a sink consumes (INPUT), a source produces.
        pw_properties* props = pw_properties_new(
            PW_KEY_NODE_NAME, spec.name.c_str(), PW_KEY_NODE_DESCRIPTION,
            (spec.display_name.empty() ? spec.name : spec.display_name).c_str(), PW_KEY_MEDIA_CLASS,
            speaker ? "Audio/Sink" : "Audio/Source", PW_KEY_MEDIA_TYPE, "Audio", PW_KEY_NODE_VIRTUAL, "true",
            PW_KEY_NODE_LATENCY, latency.c_str(), "rocd.virtual", "true", nullptr);
        connect_stream(*v.pw, props, speaker ? PW_DIRECTION_INPUT : PW_DIRECTION_OUTPUT, spec.rate,
                       spec.channels, {}, /*autoconnect=*/false);
    }

    void start_open(Open& o) {
        if (core == nullptr) {
            return;
        }
        o.pw = std::make_unique<PwStream>();
        o.pw->kind = o.spec.kind;
        o.pw->label = o.spec.display_name + " (" + o.spec.device + ")";
        o.pw->core = o.core.get();
        o.pw->status = o.core.get();
        const bool capture = o.spec.kind == StreamKind::capture;
        pw_properties* props = pw_properties_new(
            PW_KEY_MEDIA_TYPE, "Audio", PW_KEY_MEDIA_CATEGORY, capture ? "Capture" : "Playback",
            PW_KEY_MEDIA_ROLE, "Production", PW_KEY_MEDIA_NAME, o.spec.display_name.c_str(), PW_KEY_APP_NAME,
            "rocd", PW_KEY_TARGET_OBJECT, o.spec.device.c_str(), nullptr);
        if (o.monitor) {
            pw_properties_set(props, PW_KEY_STREAM_CAPTURE_SINK, "true");
        }
        if (o.spec.period_frames > 0) {
            pw_properties_setf(props, PW_KEY_NODE_LATENCY, "%u/%u", o.spec.period_frames, o.core->rate());
        }
        connect_stream(*o.pw, props, capture ? PW_DIRECTION_INPUT : PW_DIRECTION_OUTPUT, o.core->rate(),
                       o.core->channels(), o.positions, /*autoconnect=*/true);
    }

    void close_open(std::uint64_t id) {
        LoopLock lock(loop);
        auto it = opens.find(id);
        if (it == opens.end()) {
            return;
        }
        destroy_stream(it->second->pw);
        opens.erase(it);
    }

    void detach_virtual(const std::string& name, const StreamCore* core_ptr) {
        LoopLock lock(loop);
        auto it = virtuals.find(name);
        if (it == virtuals.end() || it->second->attached.get() != core_ptr) {
            return;
        }
        if (it->second->pw) {
            set_core(*it->second->pw, nullptr);
        }
        it->second->attached.reset();
    }

    std::chrono::nanoseconds stream_latency(PwStream* pw) {
        if (pw == nullptr || pw->stream == nullptr) {
            return std::chrono::nanoseconds(0);
        }
        pw_time t {};
        if (pw_stream_get_time_n(pw->stream, &t, sizeof t) < 0 || t.rate.denom == 0) {
            return std::chrono::nanoseconds(0);
        }
        // delay: graph + device latency in ticks of the graph clock;
        // buffered: frames held in the stream's resampler.
        const std::int64_t ticks = std::max<std::int64_t>(t.delay, 0);
        const std::int64_t ns = ticks * 1'000'000'000LL * t.rate.num / t.rate.denom;
        const std::int64_t buffered = pw->rate ? std::int64_t(t.buffered) * 1'000'000'000LL / pw->rate : 0;
        return std::chrono::nanoseconds(ns + buffered);
    }

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

    std::map<std::uint32_t, std::unique_ptr<Node>> nodes;
    mutable std::mutex devices_mutex;
    std::map<std::string, DeviceInfo, std::less<>> devices;
    std::map<std::string, std::unique_ptr<Virtual>, std::less<>> virtuals;
    std::map<std::uint64_t, std::unique_ptr<Open>> opens;
    std::uint64_t next_open = 1;
    Listeners listeners;
};

PipewireDriver::PipewireDriver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

PipewireDriver::~PipewireDriver() = default;

Result<std::unique_ptr<PipewireDriver>> PipewireDriver::connect(const DriverOptions& options) {
    auto impl = std::make_unique<Impl>(options);
    if (auto st = impl->start(); !st) {
        return tl::unexpected(st.error());
    }
    spdlog::info("pipewire: connected, {} devices", impl->devices.size());
    return std::unique_ptr<PipewireDriver>(new PipewireDriver(std::move(impl)));
}

std::vector<DeviceInfo> PipewireDriver::devices() const {
    std::lock_guard lock(impl_->devices_mutex);
    std::vector<DeviceInfo> out;
    out.reserve(impl_->devices.size());
    for (auto& [_, d] : impl_->devices) {
        out.push_back(d);
    }
    return out;
}

SubscriptionId PipewireDriver::subscribe(DeviceListener listener) {
    return impl_->listeners.add(std::move(listener));
}

void PipewireDriver::unsubscribe(SubscriptionId id) {
    impl_->listeners.remove(id);
}

bool PipewireDriver::connected() const {
    return impl_->connected.load();
}

std::uint64_t PipewireDriver::connections() const {
    return impl_->connections.load();
}

Result<DeviceInfo> PipewireDriver::create_virtual_device(const VirtualDeviceSpec& spec) {
    if (spec.name.empty()) {
        return fail(Errc::invalid_argument, "a virtual device needs a name", "name");
    }
    if (spec.direction == Direction::duplex) {
        return fail(Errc::invalid_argument,
                    "a virtual device is an output (speaker) or an input (microphone)", "direction");
    }
    if (spec.channels < 1 || spec.channels > 64) {
        return fail(Errc::invalid_argument, "channels must be 1..64", "channels");
    }
    if (spec.rate < 1000 || spec.rate > 768000) {
        return fail(Errc::invalid_argument, "rate must be 1000..768000", "rate");
    }
    LoopLock lock(impl_->loop);
    if (!impl_->connected.load()) {
        return fail(Errc::unavailable, "the PipeWire server is not connected (reconnecting)");
    }
    if (impl_->virtuals.contains(spec.name) || impl_->node_by_name(spec.name) != nullptr) {
        return fail(Errc::conflict, "a device named \"" + spec.name + "\" already exists", "name");
    }
    auto v = std::make_unique<Impl::Virtual>();
    v->spec = spec;
    impl_->start_virtual(*v);
    if (!v->pw || v->pw->stream == nullptr) {
        return fail(Errc::unavailable, "pipewire: cannot create the virtual device \"" + spec.name + "\"");
    }
    impl_->virtuals.emplace(spec.name, std::move(v));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline) {
        if (Impl::Node* n = impl_->node_by_name(spec.name)) {
            return n->info;
        }
        if (!impl_->sync(std::chrono::milliseconds(500))) {
            break;
        }
    }
    if (pw_thread_loop_in_thread(impl_->loop)) {
        DeviceInfo d {spec.name, spec.display_name, spec.direction, spec.channels, {}, spec.rate, true, 1.0f,
                      false};
        return d;
    }
    return fail(Errc::unavailable, "pipewire: the virtual device \"" + spec.name + "\" did not appear");
}

Status PipewireDriver::destroy_virtual_device(std::string_view name) {
    LoopLock lock(impl_->loop);
    auto it = impl_->virtuals.find(name);
    if (it == impl_->virtuals.end()) {
        if (impl_->node_by_name(name) != nullptr) {
            return fail(Errc::invalid_argument,
                        "\"" + std::string(name) + "\" is a system device, not a virtual one rocd created",
                        "name");
        }
        return fail(Errc::not_found, "no virtual device named \"" + std::string(name) + "\"", "name");
    }
    if (it->second->attached) {
        it->second->attached->close();
    }
    impl_->destroy_stream(it->second->pw);
    impl_->virtuals.erase(it);
    // Return once the server has removed the node, so devices() agrees.
    impl_->sync(std::chrono::milliseconds(1000));
    return {};
}

Result<std::unique_ptr<AudioStream>> PipewireDriver::open_stream(const StreamSpec& spec) {
    LoopLock lock(impl_->loop);
    auto* node = impl_->node_by_name(spec.device);
    auto vit = impl_->virtuals.find(spec.device);
    if (node == nullptr && vit == impl_->virtuals.end()) {
        return fail(Errc::not_found, "no device named \"" + spec.device + "\"", "device");
    }
    DeviceInfo info;
    if (node != nullptr) {
        info = node->info;
    }
    if (vit != impl_->virtuals.end()) {
        // Our own node: its spec, not what the server derived, is the format.
        const auto& vs = vit->second->spec;
        info.direction = vs.direction;
        info.channels = vs.channels;
        info.rate = vs.rate;
    }
    const std::uint32_t rate = spec.rate ? spec.rate : info.rate;
    const std::uint32_t channels = spec.channels ? spec.channels : std::max<std::uint32_t>(info.channels, 1);
    if (rate < 1000 || rate > 768000 || channels > 64) {
        return fail(Errc::invalid_argument, "unsupported rate or channel count", "rate");
    }
    const auto capacity = static_cast<std::size_t>(
        std::max<std::int64_t>(1, spec.ring_duration.count() * rate / 1'000'000'000));
    auto core = std::make_shared<StreamCore>(spec.kind, spec.device, rate, channels, capacity);
    if (spec.measure_callback_cost) {
        core->enable_cost_probe(1 << 16);
    }
    Impl* impl = impl_.get();

    // A stream on one of our own virtual devices is the device's own node:
    // no extra link, no extra stream (capture of a virtual speaker, playback
    // into a virtual microphone).
    if (vit != impl_->virtuals.end()) {
        auto& v = *vit->second;
        const bool own = (v.spec.direction == Direction::output) == (spec.kind == StreamKind::capture);
        if (own && !v.attached && rate == v.spec.rate && channels == v.spec.channels) {
            v.attached = core;
            if (v.pw) {
                impl_->set_core(*v.pw, core.get());
                core->set_connected(impl_->connected.load());
            }
            std::string name = v.spec.name;
            StreamCore* raw = core.get();
            return std::make_unique<RingAudioStream>(
                core, [impl, name, raw] { impl->detach_virtual(name, raw); },
                [impl, name] {
                    LoopLock lock(impl->loop);
                    auto it = impl->virtuals.find(name);
                    return it == impl->virtuals.end() ? std::chrono::nanoseconds(0)
                                                      : impl->stream_latency(it->second->pw.get());
                });
        }
        if (v.spec.direction == Direction::input && spec.kind == StreamKind::playback) {
            return fail(Errc::conflict,
                        "the virtual microphone \"" + spec.device + "\" is already fed by a stream",
                        "device");
        }
    }
    if (spec.kind == StreamKind::playback && info.direction == Direction::input) {
        return fail(Errc::invalid_argument,
                    "cannot play into \"" + spec.device + "\": it is a source (input device)", "device");
    }
    auto open = std::make_unique<Impl::Open>();
    open->spec = spec;
    open->monitor = spec.kind == StreamKind::capture && info.direction == Direction::output;
    open->positions = info.channels == channels ? info.positions : std::vector<std::string> {};
    open->core = core;
    impl_->start_open(*open);
    if (impl_->connected.load() && (!open->pw || open->pw->stream == nullptr)) {
        return fail(Errc::unavailable, "pipewire: cannot open a stream on \"" + spec.device + "\"");
    }
    const std::uint64_t id = impl_->next_open++;
    impl_->opens.emplace(id, std::move(open));
    return std::make_unique<RingAudioStream>(
        core, [impl, id] { impl->close_open(id); },
        [impl, id] {
            LoopLock lock(impl->loop);
            auto it = impl->opens.find(id);
            return it == impl->opens.end() ? std::chrono::nanoseconds(0)
                                           : impl->stream_latency(it->second->pw.get());
        });
}

namespace {

Status set_props(PipewireDriver::Impl& impl, std::string_view name, std::optional<float> volume,
                 std::optional<bool> mute);

} // namespace

Status PipewireDriver::set_volume(std::string_view name, float volume) {
    if (!(volume >= 0.0f && volume <= 10.0f)) {
        return fail(Errc::invalid_argument, "volume must be between 0 and 10 (linear gain)", "volume");
    }
    return set_props(*impl_, name, volume, std::nullopt);
}

Status PipewireDriver::set_mute(std::string_view name, bool mute) {
    return set_props(*impl_, name, std::nullopt, mute);
}

namespace {

Status set_props(PipewireDriver::Impl& impl, std::string_view name, std::optional<float> volume,
                 std::optional<bool> mute) {
    LoopLock lock(impl.loop);
    auto* node = impl.node_by_name(name);
    if (node == nullptr) {
        return fail(Errc::not_found, "no device named \"" + std::string(name) + "\"", "name");
    }
    std::uint8_t buffer[1024];
    spa_pod_builder b;
    spa_pod_builder_init(&b, buffer, sizeof buffer);
    const spa_pod* param = pw::build_props(&b, std::max<std::uint32_t>(node->info.channels, 1), volume, mute);
    const int res = pw_node_set_param(reinterpret_cast<pw_node*>(node->proxy), SPA_PARAM_Props, 0, param);
    if (res < 0) {
        return fail(Errc::unavailable, "pipewire: cannot set volume/mute of \"" + std::string(name) +
                                           "\": " + spa_strerror(res));
    }
    // Two round trips: the server applies it, then reports the new Props.
    impl.sync(std::chrono::milliseconds(1000));
    impl.sync(std::chrono::milliseconds(1000));
    return {};
}

} // namespace

} // namespace rocd::drivers
