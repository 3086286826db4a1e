#include "drivers/ring_device_io.h"

namespace rocd::drivers {

RingDeviceIo::RingDeviceIo(std::shared_ptr<IoCore> core, std::function<void()> on_close,
                           std::function<std::chrono::nanoseconds()> latency)
    : core_(std::move(core)), on_close_(std::move(on_close)), latency_(std::move(latency)) {}

RingDeviceIo::~RingDeviceIo() {
    close();
}

std::chrono::nanoseconds RingDeviceIo::latency() const {
    return latency_ && core_->is_open() ? latency_() : std::chrono::nanoseconds(0);
}

void RingDeviceIo::close() {
    std::call_once(closed_, [this] {
        core_->close();
        if (on_close_) {
            on_close_();
        }
    });
}

} // namespace rocd::drivers
