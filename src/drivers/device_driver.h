// The one interface through which the daemon sees audio devices.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "drivers/completion.h"
#include "drivers/device.h"
#include "drivers/device_io.h"

namespace rocd::drivers {

/// Enumerates devices, reports hotplug, creates virtual devices, opens audio
/// I/O. Every method is thread-safe and returns without waiting on the audio
/// server: what has to wait reports through a Completion. Listeners run on
/// the driver's own thread (never the real-time one) and may call back into
/// the driver.
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

    /// Creates a virtual speaker or microphone; `done` gets its info once
    /// devices() lists it.
    virtual void create_virtual_device(const VirtualDeviceSpec& spec, Completion<DeviceInfo> done) = 0;
    /// Destroys a virtual device this driver created; I/O open on it stops.
    /// `done` runs once the server has removed it.
    virtual void destroy_virtual_device(std::string name, Completion<void> done) = 0;

    /// Opens capture or playback on a device. Synchronous: it only sets up
    /// the ring and asks the server to connect, it never waits for an answer.
    virtual Result<std::unique_ptr<DeviceIo>> open_io(const DeviceIoSpec& spec) = 0;

    /// Linear gain applied to every channel (0 = silence, 1 = unity); `done`
    /// runs once the server has applied it.
    virtual void set_volume(std::string name, float volume, Completion<void> done) = 0;
    virtual void set_mute(std::string name, bool mute, Completion<void> done) = 0;
};

} // namespace rocd::drivers
