// Volume and mute of a node: its Props param, set without waiting; the
// completion runs once the server has applied it and reported it back.
#include <spa/param/props.h>
#include <spa/pod/builder.h>
#include <spa/utils/result.h>

#include "drivers/pipewire/impl.h"
#include "drivers/pipewire/pod.h"

namespace rocd::drivers {

void PipewireDriver::Impl::set_props(std::string name, std::optional<float> volume, std::optional<bool> mute,
                                     Completion<void> done) {
    LoopLock lock(loop);
    auto* node = node_by_name(name);
    if (node == nullptr) {
        return complete<void>(std::move(done),
                              fail(Errc::not_found, "no device named \"" + name + "\"", "name"));
    }
    std::uint8_t buffer[1024];
    spa_pod_builder b;
    spa_pod_builder_init(&b, buffer, sizeof buffer);
    const spa_pod* param = pw::build_props(&b, std::max<std::uint32_t>(node->info.channels, 1), volume, mute);
    const int res = pw_node_set_param(reinterpret_cast<pw_node*>(node->proxy), SPA_PARAM_Props, 0, param);
    if (res < 0) {
        return complete<void>(std::move(done),
                              fail(Errc::unavailable, "pipewire: cannot set volume/mute of \"" + name +
                                                          "\": " + spa_strerror(res)));
    }
    // Two round trips: the server applies it, then reports the new Props.
    // As before, a round trip that times out does not fail the call: the
    // param was sent, and the device's next `changed` event tells.
    constexpr auto trip = std::chrono::milliseconds(1000);
    round_trip(trip, [this, done = std::move(done), trip](bool) mutable {
        round_trip(trip, [done = std::move(done)](bool) { done(Status {}); });
    });
}

} // namespace rocd::drivers
