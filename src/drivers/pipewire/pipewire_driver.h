// The PipeWire driver: libpipewire-0.3 on its own pw_thread_loop.
#pragma once

#include <memory>

#include "drivers/device_driver.h"
#include "drivers/driver_options.h"

namespace rocd::drivers {

/// Devices are PipeWire nodes of media class Audio/Sink, Audio/Source,
/// Audio/Source/Virtual and Audio/Duplex. Virtual devices and open device
/// I/O are pw_streams; they are re-created when the server comes back after
/// going away (reconnection with backoff). Completions run on the driver's
/// pw_thread_loop thread, from a loop event (never inside the call). See
/// docs/drivers.md.
class PipewireDriver final : public DeviceDriver {
public:
    /// Connects; fails fast (Errc::unavailable, with how to fix it) when no
    /// server is reachable.
    static Result<std::unique_ptr<PipewireDriver>> connect(const DriverOptions& options);
    ~PipewireDriver() override;

    std::string_view name() const override { return "pipewire"; }
    std::vector<DeviceInfo> devices() const override;
    SubscriptionId subscribe(DeviceListener listener) override;
    void unsubscribe(SubscriptionId id) override;
    void create_virtual_device(const VirtualDeviceSpec& spec, Completion<DeviceInfo> done) override;
    void destroy_virtual_device(std::string name, Completion<void> done) override;
    Result<std::unique_ptr<DeviceIo>> open_io(const DeviceIoSpec& spec) override;
    void set_volume(std::string name, float volume, Completion<void> done) override;
    void set_mute(std::string name, bool mute, Completion<void> done) override;

    /// True while connected to the server (false while reconnecting).
    bool connected() const;
    /// Number of successful connections so far (1 after connect()).
    std::uint64_t connections() const;

    class Impl;

private:
    explicit PipewireDriver(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace rocd::drivers
