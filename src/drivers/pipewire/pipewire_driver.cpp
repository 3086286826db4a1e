// PipewireDriver's public face: forwards to Impl (impl.h), which does the
// work on the pw_thread_loop.
#include "drivers/pipewire/pipewire_driver.h"

#include <spdlog/spdlog.h>

#include "drivers/device_checks.h"
#include "drivers/pipewire/impl.h"

namespace rocd::drivers {

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

void PipewireDriver::create_virtual_device(const VirtualDeviceSpec& spec, Completion<DeviceInfo> done) {
    impl_->create_virtual(spec, std::move(done));
}

void PipewireDriver::destroy_virtual_device(std::string name, Completion<void> done) {
    impl_->destroy_virtual(std::move(name), std::move(done));
}

Result<std::unique_ptr<DeviceIo>> PipewireDriver::open_io(const DeviceIoSpec& spec) {
    return impl_->open_io(spec);
}

void PipewireDriver::set_volume(std::string name, float volume, Completion<void> done) {
    if (auto st = check_volume(volume); !st) {
        LoopLock lock(impl_->loop);
        return impl_->complete(std::move(done), st);
    }
    impl_->set_props(std::move(name), volume, std::nullopt, std::move(done));
}

void PipewireDriver::set_mute(std::string name, bool mute, Completion<void> done) {
    impl_->set_props(std::move(name), std::nullopt, mute, std::move(done));
}

} // namespace rocd::drivers
