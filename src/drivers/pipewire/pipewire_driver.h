// The PipeWire driver: libpipewire-0.3 on its own pw_thread_loop.
#pragma once

#include <memory>

#include "drivers/device_driver.h"
#include "drivers/factory.h"

namespace rocd::drivers {

/// Devices are PipeWire nodes of media class Audio/Sink, Audio/Source,
/// Audio/Source/Virtual and Audio/Duplex. Virtual devices and open streams
/// are pw_streams; they are re-created when the server comes back after
/// going away (reconnection with backoff). See docs/drivers.md.
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
    Result<DeviceInfo> create_virtual_device(const VirtualDeviceSpec& spec) override;
    Status destroy_virtual_device(std::string_view name) override;
    Result<std::unique_ptr<AudioStream>> open_stream(const StreamSpec& spec) override;
    Status set_volume(std::string_view name, float volume) override;
    Status set_mute(std::string_view name, bool mute) override;

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
