// What a driver knows about one audio device.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/port.h"
#include "core/uid.h"

namespace rocd::drivers {

/// One device as the driver sees it now.
struct DeviceInfo {
    /// Stable name that survives restarts of rocd and of the audio server
    /// (PipeWire's node.name, e.g. "alsa_output.pci-0000_00_1f.3.analog-stereo").
    std::string name;
    /// Human name (node.description), falls back to `name`.
    std::string display_name;
    PortDirection direction = PortDirection::output;
    std::uint32_t channels = 0;
    /// Channel positions in order ("FL", "FR", "MONO"...); may be empty if unknown.
    std::vector<std::string> positions;
    /// Native sample rate in Hz (the device's, or the server's clock rate).
    std::uint32_t rate = 0;
    /// True for a virtual device that this rocd created; false for a system device.
    bool is_virtual = false;
    /// Linear amplitude gain averaged over channels (1.0 = unity).
    float volume = 1.0f;
    bool mute = false;

    bool operator==(const DeviceInfo&) const = default;
};

/// The port uid of a device: Uid::derive("port", driver + ":" + name), so a
/// device keeps its uid across restarts of rocd and of the audio server.
Uid port_uid(std::string_view driver, std::string_view device_name);

/// What happened to a device.
enum class DeviceEvent { added, changed, removed };

const char* device_event_name(DeviceEvent event);

/// Called on the driver's own thread, never on the real-time thread. Must not
/// block; the daemon posts the event onto its io_context. For `removed` the
/// info is the last one known.
using DeviceListener = std::function<void(DeviceEvent, const DeviceInfo&)>;

/// Identifies a subscription for unsubscribe().
using SubscriptionId = std::uint64_t;

/// A device that rocd creates.
struct VirtualDeviceSpec {
    /// Stable name (becomes node.name); must be unique on the server.
    std::string name;
    /// Human name; defaults to `name`.
    std::string display_name;
    /// output: a virtual speaker (apps play into it, rocd captures what they
    /// play); input: a virtual microphone (rocd plays into it, apps record).
    PortDirection direction = PortDirection::output;
    std::uint32_t channels = 2;
    std::uint32_t rate = 48000;
    /// Period the device asks the server for (PipeWire node.latency); the
    /// graph runs at the smallest period any of its nodes asks for.
    std::uint32_t period_frames = 1024;
};

} // namespace rocd::drivers
