// Device I/O: the pw_streams that capture from or play into a device, and
// the real-time process callback that moves their frames through an
// IoCore ring. Opening is synchronous: pw_stream_connect() only sends the
// request, nothing here waits for the server.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

#include <spa/pod/builder.h>
#include <spa/utils/result.h>
#include <spdlog/spdlog.h>

#include "drivers/device_checks.h"
#include "drivers/pipewire/impl.h"
#include "drivers/pipewire/pod.h"
#include "drivers/ring_device_io.h"

namespace rocd::drivers {

namespace {

// CLOCK_MONOTONIC is served by the vDSO: no system call on the audio thread.
inline std::int64_t monotonic_ns() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void on_process(void* data) {
    // Real-time: no locks, allocation, logging or system calls from here on.
    auto* s = static_cast<PwStream*>(data);
    IoCore* core = s->core;
    const bool probe = core != nullptr && core->cost_probe_enabled();
    const std::int64_t t0 = probe ? monotonic_ns() : 0;
    pw_buffer* b = pw_stream_dequeue_buffer(s->stream);
    if (b == nullptr) {
        return;
    }
    spa_data& d = b->buffer->datas[0];
    if (d.data != nullptr && s->stride != 0) {
        if (s->kind == IoKind::capture) {
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
        spdlog::warn("pipewire: pw_stream {}: {}", s->label, error ? error : "error");
    } else {
        spdlog::debug("pipewire: pw_stream {}: {} -> {}", s->label, pw_stream_state_as_string(old),
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

void destroy_stream_only(PwStream& pw) {
    if (pw.stream != nullptr) {
        spa_hook_remove(&pw.listener);
        pw_stream_destroy(pw.stream);
        pw.stream = nullptr;
    }
}

} // namespace

void PipewireDriver::Impl::destroy_stream(std::unique_ptr<PwStream>& pw) {
    if (pw) {
        destroy_stream_only(*pw);
    }
    if (pw && pw->status != nullptr) {
        pw->status->set_connected(false);
    }
}

void PipewireDriver::Impl::set_core(PwStream& pw, IoCore* io_core) {
    pw.status = io_core;
    if (pw.stream == nullptr) {
        pw.core = io_core;
        return;
    }
    // Swapped on the data loop itself, so the audio thread never sees a
    // core go away. This waits for the local data thread, not the server.
    struct Args {
        PwStream* pw;
        IoCore* core;
    } args {&pw, io_core};
    pw_loop_invoke(
        data_loop,
        [](spa_loop*, bool, std::uint32_t, const void* data, std::size_t, void*) -> int {
            const auto* a = static_cast<const Args*>(data);
            a->pw->core = a->core;
            return 0;
        },
        0, &args, sizeof args, true, nullptr);
}

bool PipewireDriver::Impl::connect_stream(PwStream& pw, pw_properties* props, pw_direction direction,
                                          std::uint32_t rate, std::uint32_t channels,
                                          const std::vector<std::string>& positions, bool autoconnect) {
    pw.stride = channels * sizeof(float);
    pw.rate = rate;
    pw.stream = pw_stream_new(core, pw.label.c_str(), props);
    if (pw.stream == nullptr) {
        spdlog::warn("pipewire: cannot create pw_stream {}: {}", pw.label, std::strerror(errno));
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
    const int res =
        pw_stream_connect(pw.stream, direction, PW_ID_ANY, static_cast<pw_stream_flags>(flags), params, 1);
    if (res < 0) {
        spdlog::warn("pipewire: cannot connect pw_stream {}: {}", pw.label, spa_strerror(res));
        destroy_stream_only(pw);
        return false;
    }
    return true;
}

void PipewireDriver::Impl::start_io(Io& io) {
    if (core == nullptr) {
        return;
    }
    io.pw = std::make_unique<PwStream>();
    io.pw->kind = io.spec.kind;
    io.pw->label = io.spec.display_name + " (" + io.spec.device + ")";
    io.pw->core = io.core.get();
    io.pw->status = io.core.get();
    const bool capture = io.spec.kind == IoKind::capture;
    pw_properties* props =
        pw_properties_new(PW_KEY_MEDIA_TYPE, "Audio", PW_KEY_MEDIA_CATEGORY, capture ? "Capture" : "Playback",
                          PW_KEY_MEDIA_ROLE, "Production", PW_KEY_MEDIA_NAME, io.spec.display_name.c_str(),
                          PW_KEY_APP_NAME, "rocd", PW_KEY_TARGET_OBJECT, io.spec.device.c_str(), nullptr);
    if (io.monitor) {
        pw_properties_set(props, PW_KEY_STREAM_CAPTURE_SINK, "true");
    }
    if (io.spec.period_frames > 0) {
        pw_properties_setf(props, PW_KEY_NODE_LATENCY, "%u/%u", io.spec.period_frames, io.core->rate());
    }
    connect_stream(*io.pw, props, capture ? PW_DIRECTION_INPUT : PW_DIRECTION_OUTPUT, io.core->rate(),
                   io.core->channels(), io.positions, /*autoconnect=*/true);
}

void PipewireDriver::Impl::close_io(std::uint64_t id) {
    LoopLock lock(loop);
    auto it = ios.find(id);
    if (it == ios.end()) {
        return;
    }
    destroy_stream(it->second->pw);
    ios.erase(it);
}

std::chrono::nanoseconds PipewireDriver::Impl::stream_latency(PwStream* pw) {
    if (pw == nullptr || pw->stream == nullptr) {
        return std::chrono::nanoseconds(0);
    }
    pw_time t {};
    if (pw_stream_get_time_n(pw->stream, &t, sizeof t) < 0 || t.rate.denom == 0) {
        return std::chrono::nanoseconds(0);
    }
    // delay: graph + device latency in ticks of the graph clock;
    // buffered: frames held in the pw_stream's resampler.
    const std::int64_t ticks = std::max<std::int64_t>(t.delay, 0);
    const std::int64_t ns = ticks * 1'000'000'000LL * t.rate.num / t.rate.denom;
    const std::int64_t buffered = pw->rate ? std::int64_t(t.buffered) * 1'000'000'000LL / pw->rate : 0;
    return std::chrono::nanoseconds(ns + buffered);
}

Result<std::unique_ptr<DeviceIo>> PipewireDriver::Impl::open_io(const DeviceIoSpec& spec) {
    LoopLock lock(loop);
    auto* node = node_by_name(spec.device);
    auto vit = virtuals.find(spec.device);
    if (node == nullptr && vit == virtuals.end()) {
        return fail(Errc::not_found, "no device named \"" + spec.device + "\"", "device");
    }
    DeviceInfo info;
    if (node != nullptr) {
        info = node->info;
    }
    if (vit != virtuals.end()) {
        // Our own node: its spec, not what the server derived, is the format.
        const auto& vs = vit->second->spec;
        info.direction = vs.direction;
        info.channels = vs.channels;
        info.rate = vs.rate;
    }
    const std::uint32_t rate = spec.rate ? spec.rate : info.rate;
    const std::uint32_t channels = spec.channels ? spec.channels : std::max<std::uint32_t>(info.channels, 1);
    if (auto st = check_io_format(rate, channels); !st) {
        return tl::unexpected(st.error());
    }
    const auto capacity = static_cast<std::size_t>(
        std::max<std::int64_t>(1, spec.ring_duration.count() * rate / 1'000'000'000));
    auto io_core = std::make_shared<IoCore>(spec.kind, spec.device, rate, channels, capacity);
    if (spec.measure_callback_cost) {
        io_core->enable_cost_probe(1 << 16);
    }
    Impl* impl = this;

    // I/O on one of our own virtual devices is the device's own node: no
    // extra link, no extra pw_stream (capture of a virtual speaker,
    // playback into a virtual microphone).
    if (vit != virtuals.end()) {
        auto& v = *vit->second;
        const bool own = (v.spec.direction == PortDirection::output) == (spec.kind == IoKind::capture);
        if (own && !v.attached && rate == v.spec.rate && channels == v.spec.channels) {
            v.attached = io_core;
            if (v.pw) {
                set_core(*v.pw, io_core.get());
                io_core->set_connected(connected.load());
            }
            std::string name = v.spec.name;
            IoCore* raw = io_core.get();
            return std::make_unique<RingDeviceIo>(
                io_core, [impl, name, raw] { impl->detach_virtual(name, raw); },
                [impl, name] {
                    LoopLock lock(impl->loop);
                    auto it = impl->virtuals.find(name);
                    return it == impl->virtuals.end() ? std::chrono::nanoseconds(0)
                                                      : impl->stream_latency(it->second->pw.get());
                });
        }
        if (v.spec.direction == PortDirection::input && spec.kind == IoKind::playback) {
            return fail(Errc::conflict,
                        "the virtual microphone \"" + spec.device + "\" is already fed by a stream",
                        "device");
        }
    }
    if (spec.kind == IoKind::playback && info.direction == PortDirection::input) {
        return fail(Errc::invalid_argument,
                    "cannot play into \"" + spec.device + "\": it is a source (input device)", "device");
    }
    auto io = std::make_unique<Io>();
    io->spec = spec;
    io->monitor = spec.kind == IoKind::capture && info.direction == PortDirection::output;
    io->positions = info.channels == channels ? info.positions : std::vector<std::string> {};
    io->core = io_core;
    start_io(*io);
    if (connected.load() && (!io->pw || io->pw->stream == nullptr)) {
        return fail(Errc::unavailable, "pipewire: cannot open a stream on \"" + spec.device + "\"");
    }
    const std::uint64_t id = next_io++;
    ios.emplace(id, std::move(io));
    return std::make_unique<RingDeviceIo>(
        io_core, [impl, id] { impl->close_io(id); },
        [impl, id] {
            LoopLock lock(impl->loop);
            auto it = impl->ios.find(id);
            return it == impl->ios.end() ? std::chrono::nanoseconds(0)
                                         : impl->stream_latency(it->second->pw.get());
        });
}

} // namespace rocd::drivers
