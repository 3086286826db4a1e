// The connection to the PipeWire server: the thread loop, the core, the
// reconnect with backoff, and the loop-side machinery (posted completions,
// timers, pw_core_sync round trips) that lets every operation return at
// once and finish from a loop callback.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <spa/utils/result.h>
#include <spdlog/spdlog.h>

#include "drivers/pipewire/impl.h"

namespace rocd::drivers {

namespace {

std::once_flag pw_init_once;

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

timespec relative(std::chrono::milliseconds delay) {
    timespec ts {};
    ts.tv_sec = delay.count() / 1000;
    ts.tv_nsec = (delay.count() % 1000) * 1'000'000 + 1; // 0 would disarm the timer
    return ts;
}

} // namespace

PipewireDriver::Impl::Impl(DriverOptions o) : options(std::move(o)), backoff(options.reconnect_min) {}

PipewireDriver::Impl::~Impl() {
    if (loop == nullptr) {
        return;
    }
    {
        LoopLock lock(loop);
        shutting_down = true;
        if (retry_timer != nullptr) {
            pw_loop_destroy_source(pw_thread_loop_get_loop(loop), retry_timer);
        }
        // Every completion runs exactly once, also when nobody will answer.
        std::vector<std::string> pending;
        for (auto& [name, _] : pending_creates) {
            pending.push_back(name);
        }
        for (auto& name : pending) {
            fail_pending_create(name, Error {Errc::unavailable, "pipewire: the driver is shutting down", {}},
                                false);
        }
        finish_round_trips(std::nullopt);
        for (auto& [_, d] : pending_destroys) {
            cancel_timer(d.timer);
            complete<void>(std::move(d.done), Status {});
        }
        pending_destroys.clear();
        teardown(/*notify=*/false);
        virtuals.clear();
        ios.clear();
    }
    pw_thread_loop_stop(loop);
    // The loop thread is gone: what it had not delivered yet runs here.
    while (!posted.empty()) {
        auto fn = std::move(posted.front());
        posted.pop_front();
        fn();
    }
    for (auto& [_, t] : timers) {
        pw_loop_destroy_source(pw_thread_loop_get_loop(loop), t->source);
    }
    timers.clear();
    if (posted_event != nullptr) {
        pw_loop_destroy_source(pw_thread_loop_get_loop(loop), posted_event);
    }
    if (context != nullptr) {
        pw_context_destroy(context);
    }
    pw_thread_loop_destroy(loop);
}

Status PipewireDriver::Impl::start() {
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
    posted_event = pw_loop_add_event(pw_thread_loop_get_loop(loop), on_posted, this);
    int err = 0;
    if (!connect_core(&err)) {
        return fail(Errc::unavailable, not_running_message(options.pipewire_remote, err));
    }
    // Two round trips: globals arrive, then the bound nodes' info and params.
    // The daemon waits for this once, at start, before it serves anything.
    for (int i = 0; i < 2; ++i) {
        if (!sync(options.connect_timeout)) {
            return fail(Errc::unavailable, not_running_message(options.pipewire_remote, ETIMEDOUT));
        }
    }
    return {};
}

bool PipewireDriver::Impl::connect_core(int* err) {
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
    for (auto& [_, io] : ios) {
        start_io(*io);
    }
    connected.store(true);
    connections.fetch_add(1);
    backoff = options.reconnect_min;
    return true;
}

void PipewireDriver::Impl::teardown(bool notify) {
    connected.store(false);
    // Nobody will answer a sync of this connection; the nodes being
    // destroyed are gone with it.
    finish_round_trips(std::nullopt);
    for (auto& [_, d] : pending_destroys) {
        cancel_timer(d.timer);
        complete<void>(std::move(d.done), Status {});
    }
    pending_destroys.clear();
    std::vector<std::string> pending;
    for (auto& [name, _] : pending_creates) {
        pending.push_back(name);
    }
    for (auto& name : pending) {
        fail_pending_create(
            name,
            Error {Errc::unavailable, "pipewire: the virtual device \"" + name + "\" did not appear", {}},
            true);
    }
    for (auto& [_, v] : virtuals) {
        destroy_stream(v->pw);
    }
    for (auto& [_, io] : ios) {
        destroy_stream(io->pw);
        io->core->set_connected(false);
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

void PipewireDriver::Impl::arm_retry(std::chrono::milliseconds delay) {
    timespec ts = relative(delay);
    pw_loop_update_timer(pw_thread_loop_get_loop(loop), retry_timer, &ts, nullptr, false);
}

void PipewireDriver::Impl::on_retry(void* data, std::uint64_t) {
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
        // What was reopened: a count that grows from one reconnection to the
        // next would be device streams nobody closes.
        spdlog::info(
            "pipewire: connected (connection #{}); reopened {} device stream(s) and {} virtual device(s)",
            self->connections.load(), self->ios.size(), self->virtuals.size());
        return;
    }
    spdlog::debug("pipewire: reconnect failed: {}; next try in {} ms", std::strerror(err),
                  self->backoff.count());
    self->arm_retry(self->backoff);
    self->backoff = std::min(self->backoff * 2, self->options.reconnect_max);
}

void PipewireDriver::Impl::on_core_info(void* data, const pw_core_info* info) {
    auto* self = static_cast<Impl*>(data);
    const char* rate = info->props != nullptr ? spa_dict_lookup(info->props, "default.clock.rate") : nullptr;
    if (rate != nullptr) {
        std::uint32_t v = 0;
        std::from_chars(rate, rate + std::strlen(rate), v);
        self->clock_rate = std::max<std::uint32_t>(v, 1);
    }
}

void PipewireDriver::Impl::on_core_done(void* data, std::uint32_t id, int seq) {
    auto* self = static_cast<Impl*>(data);
    if (id == PW_ID_CORE) {
        self->done_seq = seq;
        self->finish_round_trips(seq);
        pw_thread_loop_signal(self->loop, false);
    }
}

void PipewireDriver::Impl::on_core_error(void* data, std::uint32_t id, int seq, int res,
                                         const char* message) {
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

bool PipewireDriver::Impl::sync(std::chrono::milliseconds timeout) {
    if (core == nullptr || core_failed) {
        return false;
    }
    if (pw_thread_loop_in_thread(loop)) {
        return true; // cannot wait on our own thread
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

void PipewireDriver::Impl::post(std::function<void()> fn) {
    posted.push_back(std::move(fn));
    if (posted_event != nullptr && !shutting_down) {
        pw_loop_signal_event(pw_thread_loop_get_loop(loop), posted_event);
    }
}

void PipewireDriver::Impl::on_posted(void* data, std::uint64_t) {
    auto* self = static_cast<Impl*>(data);
    // Taken out first: a completion may start another operation, which posts.
    auto batch = std::move(self->posted);
    self->posted.clear();
    for (auto& fn : batch) {
        fn();
    }
}

std::uint64_t PipewireDriver::Impl::add_timer(std::chrono::milliseconds after, std::function<void()> fire) {
    auto t = std::make_unique<Timer>();
    t->impl = this;
    t->id = next_timer++;
    t->fire = std::move(fire);
    t->source = pw_loop_add_timer(pw_thread_loop_get_loop(loop), on_timer, t.get());
    timespec ts = relative(after);
    pw_loop_update_timer(pw_thread_loop_get_loop(loop), t->source, &ts, nullptr, false);
    const std::uint64_t id = t->id;
    timers.emplace(id, std::move(t));
    return id;
}

void PipewireDriver::Impl::cancel_timer(std::uint64_t id) {
    auto it = timers.find(id);
    if (it == timers.end()) {
        return;
    }
    pw_loop_destroy_source(pw_thread_loop_get_loop(loop), it->second->source);
    timers.erase(it);
}

void PipewireDriver::Impl::on_timer(void* data, std::uint64_t) {
    auto* t = static_cast<Timer*>(data);
    Impl* self = t->impl;
    auto fire = std::move(t->fire);
    self->cancel_timer(t->id); // destroys *t
    fire();
}

void PipewireDriver::Impl::round_trip(std::chrono::milliseconds timeout, std::function<void(bool)> then) {
    if (core == nullptr || core_failed) {
        post([then = std::move(then)] { then(false); });
        return;
    }
    const std::uint64_t id = next_round_trip++;
    RoundTrip& rt = round_trips[id];
    rt.seq = pw_core_sync(core, PW_ID_CORE, 0);
    rt.then = std::move(then);
    rt.timer = add_timer(timeout, [this, id] {
        auto it = round_trips.find(id);
        if (it == round_trips.end()) {
            return;
        }
        auto then = std::move(it->second.then);
        round_trips.erase(it);
        post([then = std::move(then)] { then(false); });
    });
}

void PipewireDriver::Impl::finish_round_trips(std::optional<int> up_to_seq) {
    for (auto it = round_trips.begin(); it != round_trips.end();) {
        // Done events come in order: one for a later sync answers the earlier ones too.
        if (up_to_seq && it->second.seq > *up_to_seq) {
            ++it;
            continue;
        }
        cancel_timer(it->second.timer);
        post([then = std::move(it->second.then), answered = up_to_seq.has_value()] { then(answered); });
        it = round_trips.erase(it);
    }
}

} // namespace rocd::drivers
