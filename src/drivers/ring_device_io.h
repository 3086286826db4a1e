// The DeviceIo both drivers hand out: an IoCore plus a way to close.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "drivers/device_io.h"
#include "drivers/io_core.h"

namespace rocd::drivers {

/// A DeviceIo over a shared IoCore. `on_close` detaches the core
/// from the driver (runs once, on close() or destruction); `latency`
/// queries the server, or is empty for zero.
class RingDeviceIo final : public DeviceIo {
public:
    RingDeviceIo(std::shared_ptr<IoCore> core, std::function<void()> on_close,
                 std::function<std::chrono::nanoseconds()> latency);
    ~RingDeviceIo() override;

    IoKind kind() const override { return core_->kind(); }
    const std::string& device() const override { return core_->device(); }
    IoFormat format() const override { return {core_->rate(), core_->channels()}; }
    std::chrono::nanoseconds latency() const override;
    std::size_t read(std::span<float> frames) override { return core_->read(frames); }
    std::size_t write(std::span<const float> frames) override { return core_->write(frames); }
    std::size_t readable_frames() const override { return core_->readable_frames(); }
    std::size_t writable_frames() const override { return core_->writable_frames(); }
    IoStats stats() const override { return core_->stats(); }
    std::size_t read_callback_costs(std::span<std::uint32_t> ns) override { return core_->read_costs(ns); }
    void close() override;

private:
    std::shared_ptr<IoCore> core_;
    std::once_flag closed_;
    std::function<void()> on_close_;
    std::function<std::chrono::nanoseconds()> latency_;
};

} // namespace rocd::drivers
