#include "drivers/io_core.h"

#include <algorithm>
#include <cstring>

namespace rocd::drivers {

IoCore::IoCore(IoKind kind, std::string device, std::uint32_t rate, std::uint32_t channels,
               std::size_t capacity_frames)
    : kind_(kind), device_(std::move(device)), rate_(rate), channels_(std::max<std::uint32_t>(channels, 1)),
      capacity_frames_(std::max<std::size_t>(capacity_frames, 1)), ring_(capacity_frames_ * channels_) {}

void IoCore::capture_period(const float* samples, std::uint32_t frames) noexcept {
    periods_.fetch_add(1, std::memory_order_relaxed);
    frames_.fetch_add(frames, std::memory_order_relaxed);
    if (!open_.load(std::memory_order_relaxed)) {
        return;
    }
    // Only whole frames go in, so the consumer never sees channels shift.
    const std::size_t room = ring_.write_available() / channels_;
    const std::size_t n = std::min<std::size_t>(room, frames);
    if (n > 0) {
        ring_.push(samples, n * channels_);
    }
    if (n < frames) {
        overruns_.fetch_add(1, std::memory_order_relaxed);
        xrun_frames_.fetch_add(frames - n, std::memory_order_relaxed);
    }
}

void IoCore::playback_period(float* samples, std::uint32_t frames) noexcept {
    periods_.fetch_add(1, std::memory_order_relaxed);
    frames_.fetch_add(frames, std::memory_order_relaxed);
    std::size_t n = 0;
    if (open_.load(std::memory_order_relaxed)) {
        n = std::min<std::size_t>(ring_.read_available() / channels_, frames);
        if (n > 0) {
            ring_.pop(samples, n * channels_);
        }
        if (n < frames && primed_.load(std::memory_order_relaxed)) {
            underruns_.fetch_add(1, std::memory_order_relaxed);
            xrun_frames_.fetch_add(frames - n, std::memory_order_relaxed);
        }
    }
    if (n < frames) {
        std::memset(samples + n * channels_, 0, (frames - n) * channels_ * sizeof(float));
    }
}

std::size_t IoCore::read(std::span<float> samples) noexcept {
    if (kind_ != IoKind::capture || !is_open()) {
        return 0;
    }
    const std::size_t n = std::min(ring_.read_available() / channels_, samples.size() / channels_);
    if (n > 0) {
        ring_.pop(samples.data(), n * channels_);
    }
    return n;
}

std::size_t IoCore::write(std::span<const float> samples) noexcept {
    if (kind_ != IoKind::playback || !is_open()) {
        return 0;
    }
    const std::size_t n = std::min(ring_.write_available() / channels_, samples.size() / channels_);
    if (n > 0) {
        ring_.push(samples.data(), n * channels_);
        primed_.store(true, std::memory_order_relaxed);
    }
    return n;
}

std::size_t IoCore::readable_frames() const noexcept {
    return kind_ == IoKind::capture ? ring_.read_available() / channels_ : 0;
}

std::size_t IoCore::writable_frames() const noexcept {
    return kind_ == IoKind::playback ? ring_.write_available() / channels_ : 0;
}

void IoCore::drain() noexcept {
    if (kind_ == IoKind::capture) {
        ring_.consume_all([](float) {});
    }
}

void IoCore::enable_cost_probe(std::size_t capacity) {
    costs_ = std::make_unique<boost::lockfree::spsc_queue<std::uint32_t>>(capacity);
}

IoStats IoCore::stats() const noexcept {
    IoStats s;
    s.frames = frames_.load(std::memory_order_relaxed);
    s.periods = periods_.load(std::memory_order_relaxed);
    s.overruns = overruns_.load(std::memory_order_relaxed);
    s.underruns = underruns_.load(std::memory_order_relaxed);
    s.xrun_frames = xrun_frames_.load(std::memory_order_relaxed);
    s.connected = connected_.load(std::memory_order_relaxed);
    return s;
}

} // namespace rocd::drivers
