// The AudioStream both drivers hand out: a StreamCore plus a way to close.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "drivers/audio_stream.h"
#include "drivers/stream_core.h"

namespace rocd::drivers {

/// An AudioStream over a shared StreamCore. `on_close` detaches the core
/// from the driver (runs once, on close() or destruction); `latency`
/// queries the server, or is empty for zero.
class RingAudioStream final : public AudioStream {
public:
    RingAudioStream(std::shared_ptr<StreamCore> core, std::function<void()> on_close,
                    std::function<std::chrono::nanoseconds()> latency);
    ~RingAudioStream() override;

    StreamKind kind() const override { return core_->kind(); }
    const std::string& device() const override { return core_->device(); }
    StreamFormat format() const override { return {core_->rate(), core_->channels()}; }
    std::chrono::nanoseconds latency() const override;
    std::size_t read(std::span<float> frames) override { return core_->read(frames); }
    std::size_t write(std::span<const float> frames) override { return core_->write(frames); }
    std::size_t available() const override { return core_->available(); }
    StreamStats stats() const override { return core_->stats(); }
    std::size_t read_callback_costs(std::span<std::uint32_t> ns) override { return core_->read_costs(ns); }
    void close() override;

private:
    std::shared_ptr<StreamCore> core_;
    std::once_flag closed_;
    std::function<void()> on_close_;
    std::function<std::chrono::nanoseconds()> latency_;
};

} // namespace rocd::drivers
