// The one interface through which the daemon sees audio devices.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "drivers/audio_stream.h"
#include "drivers/device.h"

namespace rocd::drivers {

/// Enumerates devices, reports hotplug, creates virtual devices, opens audio
/// I/O. Every method is thread-safe. Listeners run on the driver's own
/// thread (never the real-time one) and may call back into the driver.
class DeviceDriver {
public:
    virtual ~DeviceDriver() = default;

    /// "pipewire" or "mock": the seed prefix of port uids (see port_uid()).
    virtual std::string_view name() const = 0;

    /// Every device present now, system and virtual, sorted by name.
    virtual std::vector<DeviceInfo> devices() const = 0;

    /// One device by stable name; Errc::not_found if absent.
    virtual Result<DeviceInfo> device(std::string_view name) const;

    /// Registers a listener for added / changed / removed. Devices already
    /// present are not replayed: call devices() after subscribing.
    virtual SubscriptionId subscribe(DeviceListener listener) = 0;
    /// After it returns the listener is not running and will not run again
    /// (unless called from inside the listener itself).
    virtual void unsubscribe(SubscriptionId id) = 0;

    /// Creates a virtual speaker or microphone; returns once it is listed.
    virtual Result<DeviceInfo> create_virtual_device(const VirtualDeviceSpec& spec) = 0;
    /// Destroys a virtual device this driver created; streams open on it stop.
    virtual Status destroy_virtual_device(std::string_view name) = 0;

    /// Opens capture or playback on a device.
    virtual Result<std::unique_ptr<AudioStream>> open_stream(const StreamSpec& spec) = 0;

    /// Linear gain applied to every channel (0 = silence, 1 = unity).
    virtual Status set_volume(std::string_view name, float volume) = 0;
    virtual Status set_mute(std::string_view name, bool mute) = 0;
};

} // namespace rocd::drivers
