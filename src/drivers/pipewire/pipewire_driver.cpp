#include "drivers/pipewire/pipewire_driver.h"

namespace rocd::drivers {

class PipewireDriver::Impl {};

PipewireDriver::PipewireDriver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PipewireDriver::~PipewireDriver() = default;

Result<std::unique_ptr<PipewireDriver>> PipewireDriver::connect(const DriverOptions&) {
    return fail(Errc::unsupported, "pipewire driver: not implemented yet");
}
std::vector<DeviceInfo> PipewireDriver::devices() const { return {}; }
SubscriptionId PipewireDriver::subscribe(DeviceListener) { return 0; }
void PipewireDriver::unsubscribe(SubscriptionId) {}
Result<DeviceInfo> PipewireDriver::create_virtual_device(const VirtualDeviceSpec&) {
    return fail(Errc::unsupported, "x");
}
Status PipewireDriver::destroy_virtual_device(std::string_view) { return fail(Errc::unsupported, "x"); }
Result<std::unique_ptr<AudioStream>> PipewireDriver::open_stream(const StreamSpec&) {
    return fail(Errc::unsupported, "x");
}
Status PipewireDriver::set_volume(std::string_view, float) { return fail(Errc::unsupported, "x"); }
Status PipewireDriver::set_mute(std::string_view, bool) { return fail(Errc::unsupported, "x"); }
bool PipewireDriver::connected() const { return false; }
std::uint64_t PipewireDriver::connections() const { return 0; }

} // namespace rocd::drivers
