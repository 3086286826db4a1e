// The state one open device I/O shares between the audio thread and rocd.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <boost/lockfree/spsc_queue.hpp>

#include "drivers/device_io.h"

namespace rocd::drivers {

/// A fixed-capacity lock-free ring of interleaved float frames plus xrun
/// counters. The audio-thread side (capture_period / playback_period) never
/// locks, allocates, logs or makes syscalls; the ring is sized at open.
/// It outlives reconnections of the audio server, so a consumer never sees
/// the DeviceIo object change under it.
class IoCore {
public:
    IoCore(IoKind kind, std::string device, std::uint32_t rate, std::uint32_t channels,
           std::size_t capacity_frames);

    IoKind kind() const { return kind_; }
    const std::string& device() const { return device_; }
    std::uint32_t rate() const { return rate_; }
    std::uint32_t channels() const { return channels_; }
    std::size_t capacity_frames() const { return capacity_frames_; }

    // --- audio thread (the one producer of capture, the one consumer of playback)

    /// Capture: pushes `frames` interleaved frames; what does not fit is an overrun.
    void capture_period(const float* samples, std::uint32_t frames) noexcept;
    /// Playback: fills `frames` interleaved frames from the ring, silence for
    /// what is missing (an underrun once the producer has started).
    void playback_period(float* samples, std::uint32_t frames) noexcept;

    // --- rocd side (the one consumer of capture, the one producer of playback)

    std::size_t read(std::span<float> samples) noexcept;
    std::size_t write(std::span<const float> samples) noexcept;
    /// Capture: frames read() can return; playback: 0.
    std::size_t readable_frames() const noexcept;
    /// Playback: frames write() can accept; capture: 0.
    std::size_t writable_frames() const noexcept;
    /// Drops everything queued (consumer side only, capture).
    void drain() noexcept;

    IoStats stats() const noexcept;

    /// Diagnostics (bench/driver): keep up to `capacity` audio-callback
    /// durations. Call before the I/O starts; allocation happens here.
    void enable_cost_probe(std::size_t capacity);
    bool cost_probe_enabled() const noexcept { return costs_ != nullptr; }
    /// Audio thread: records one callback duration (dropped when full).
    void record_cost(std::uint32_t ns) noexcept {
        if (costs_) {
            costs_->push(ns);
        }
    }
    /// rocd side: pops recorded durations.
    std::size_t read_costs(std::span<std::uint32_t> out) noexcept {
        return costs_ ? costs_->pop(out.data(), out.size()) : 0;
    }

    void set_connected(bool connected) noexcept { connected_.store(connected, std::memory_order_relaxed); }
    /// After close() the rocd side moves nothing; the audio thread outputs silence.
    void close() noexcept { open_.store(false, std::memory_order_release); }
    bool is_open() const noexcept { return open_.load(std::memory_order_acquire); }

private:
    const IoKind kind_;
    const std::string device_;
    const std::uint32_t rate_;
    const std::uint32_t channels_;
    const std::size_t capacity_frames_;
    boost::lockfree::spsc_queue<float> ring_;
    std::unique_ptr<boost::lockfree::spsc_queue<std::uint32_t>> costs_;

    std::atomic<bool> open_ {true};
    std::atomic<bool> connected_ {false};
    std::atomic<bool> primed_ {false};
    std::atomic<std::uint64_t> frames_ {0};
    std::atomic<std::uint64_t> periods_ {0};
    std::atomic<std::uint64_t> overruns_ {0};
    std::atomic<std::uint64_t> underruns_ {0};
    std::atomic<std::uint64_t> xrun_frames_ {0};
};

} // namespace rocd::drivers
