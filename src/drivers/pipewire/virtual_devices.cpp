// Virtual devices: pw_streams whose media class makes them a sink or a
// source. Creating one returns at once; the completion runs when the
// registry lists the node and a round trip has brought its params, or
// fails after the 2 s the server is given to list it.
#include <spdlog/spdlog.h>

#include "drivers/device_checks.h"
#include "drivers/pipewire/impl.h"

namespace rocd::drivers {

namespace {

constexpr auto listing_timeout = std::chrono::seconds(2);
constexpr auto params_round_trip = std::chrono::milliseconds(500);
constexpr auto removal_round_trip = std::chrono::milliseconds(1000);

} // namespace

void PipewireDriver::Impl::start_virtual(Virtual& v) {
    if (core == nullptr) {
        return;
    }
    const auto& spec = v.spec;
    const bool speaker = spec.direction == PortDirection::output;
    v.pw = std::make_unique<PwStream>();
    v.pw->kind = speaker ? IoKind::capture : IoKind::playback;
    v.pw->label = spec.name;
    v.pw->core = v.attached.get();
    v.pw->status = v.attached.get();
    const std::string latency =
        std::to_string(std::max<std::uint32_t>(spec.period_frames, 32)) + "/" + std::to_string(spec.rate);
    // As PipeWire's roc and rtp modules do: a pw_stream whose media class
    // makes it a device; a sink consumes (INPUT), a source produces.
    pw_properties* props = pw_properties_new(
        PW_KEY_NODE_NAME, spec.name.c_str(), PW_KEY_NODE_DESCRIPTION,
        (spec.display_name.empty() ? spec.name : spec.display_name).c_str(), PW_KEY_MEDIA_CLASS,
        speaker ? "Audio/Sink" : "Audio/Source", PW_KEY_MEDIA_TYPE, "Audio", PW_KEY_NODE_VIRTUAL, "true",
        PW_KEY_NODE_LATENCY, latency.c_str(), "rocd.virtual", "true", nullptr);
    connect_stream(*v.pw, props, speaker ? PW_DIRECTION_INPUT : PW_DIRECTION_OUTPUT, spec.rate, spec.channels,
                   {},
                   /*autoconnect=*/false);
}

void PipewireDriver::Impl::detach_virtual(const std::string& name, const IoCore* core_ptr) {
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

void PipewireDriver::Impl::create_virtual(const VirtualDeviceSpec& spec, Completion<DeviceInfo> done) {
    LoopLock lock(loop);
    if (auto st = check_virtual_device_spec(spec); !st) {
        return complete<DeviceInfo>(std::move(done), tl::unexpected(st.error()));
    }
    if (!connected.load()) {
        return complete<DeviceInfo>(
            std::move(done), fail(Errc::unavailable, "the PipeWire server is not connected (reconnecting)"));
    }
    if (virtuals.contains(spec.name) || node_by_name(spec.name) != nullptr) {
        return complete<DeviceInfo>(
            std::move(done),
            fail(Errc::conflict, "a device named \"" + spec.name + "\" already exists", "name"));
    }
    auto v = std::make_unique<Virtual>();
    v->spec = spec;
    start_virtual(*v);
    if (!v->pw || v->pw->stream == nullptr) {
        return complete<DeviceInfo>(std::move(done),
                                    fail(Errc::unavailable, "pipewire: cannot create the virtual "
                                                            "device \"" +
                                                                spec.name + "\""));
    }
    virtuals.emplace(spec.name, std::move(v));
    PendingCreate& pending = pending_creates[spec.name];
    pending.done = std::move(done);
    pending.timer = add_timer(listing_timeout, [this, name = spec.name] {
        fail_pending_create(
            name,
            Error {Errc::unavailable, "pipewire: the virtual device \"" + name + "\" did not appear", {}},
            true);
    });
}

void PipewireDriver::Impl::on_virtual_listed(const std::string& name) {
    auto it = pending_creates.find(name);
    if (it == pending_creates.end() || it->second.listed) {
        return;
    }
    it->second.listed = true;
    // The node's info came first; its EnumFormat and Props follow in the
    // answer to the params subscription, which a round trip waits for.
    round_trip(params_round_trip, [this, name](bool) {
        auto it = pending_creates.find(name);
        Node* node = node_by_name(name);
        auto v = virtuals.find(name);
        if (it == pending_creates.end() || node == nullptr || v == virtuals.end()) {
            return; // gone again: the listing timer decides
        }
        DeviceInfo info = node->info;
        if (info.channels == 0) {
            info.channels = v->second->spec.channels;
        }
        cancel_timer(it->second.timer);
        auto done = std::move(it->second.done);
        pending_creates.erase(it);
        done(std::move(info)); // already on the loop thread, from a posted task
    });
}

void PipewireDriver::Impl::fail_pending_create(const std::string& name, Error error, bool remove_device) {
    auto it = pending_creates.find(name);
    if (it == pending_creates.end()) {
        return;
    }
    cancel_timer(it->second.timer);
    auto done = std::move(it->second.done);
    pending_creates.erase(it);
    if (remove_device) {
        // The caller learns it failed: leave no node behind that would show
        // up later as a device nobody owns.
        if (auto v = virtuals.find(name); v != virtuals.end()) {
            if (v->second->attached) {
                v->second->attached->close();
            }
            destroy_stream(v->second->pw);
            virtuals.erase(v);
        }
    }
    spdlog::warn("pipewire: creating virtual device {} failed: {}", name, error.message);
    complete<DeviceInfo>(std::move(done), tl::unexpected(std::move(error)));
}

void PipewireDriver::Impl::destroy_virtual(std::string name, Completion<void> done) {
    LoopLock lock(loop);
    auto it = virtuals.find(name);
    if (it == virtuals.end()) {
        if (node_by_name(name) != nullptr) {
            return complete<void>(std::move(done),
                                  fail(Errc::invalid_argument,
                                       "\"" + name + "\" is a system device, not a virtual one rocd created",
                                       "name"));
        }
        return complete<void>(std::move(done),
                              fail(Errc::not_found, "no virtual device named \"" + name + "\"", "name"));
    }
    fail_pending_create(
        name, Error {Errc::unavailable, "pipewire: the virtual device \"" + name + "\" was destroyed", {}},
        false);
    if (it->second->attached) {
        it->second->attached->close();
    }
    destroy_stream(it->second->pw);
    virtuals.erase(it);
    if (node_by_name(name) == nullptr) {
        // Never listed (or no server): one round trip settles it.
        round_trip(removal_round_trip, [done = std::move(done)](bool) { done(Status {}); });
        return;
    }
    // Complete once the registry drops the node, so devices() agrees; as
    // before, no answer within the timeout still succeeds: the node goes
    // with our pw_stream either way.
    auto pending = pending_destroys.emplace(name, PendingDestroy {std::move(done), 0});
    pending->second.timer = add_timer(removal_round_trip, [this, name, key = &pending->second] {
        for (auto [a, b] = pending_destroys.equal_range(name); a != b; ++a) {
            if (&a->second == key) {
                auto done = std::move(a->second.done);
                pending_destroys.erase(a);
                complete<void>(std::move(done), Status {});
                return;
            }
        }
    });
}

void PipewireDriver::Impl::on_virtual_unlisted(const std::string& name) {
    auto [a, b] = pending_destroys.equal_range(name);
    for (auto it = a; it != b; ++it) {
        cancel_timer(it->second.timer);
        complete<void>(std::move(it->second.done), Status {});
    }
    pending_destroys.erase(a, b);
}

} // namespace rocd::drivers
