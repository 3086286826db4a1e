#include "streams/audio_pump.h"

#include <algorithm>
#include <ctime>

namespace rocd::streams {

namespace {

void add_ns(timespec& t, std::int64_t ns) {
    t.tv_nsec += ns;
    while (t.tv_nsec >= 1'000'000'000) {
        t.tv_nsec -= 1'000'000'000;
        ++t.tv_sec;
    }
}

} // namespace

AudioPump::AudioPump(std::chrono::nanoseconds period)
    : period_(period), current_(std::make_unique<Table>()), table_(current_.get()) {
    thread_ = std::thread([this] { run(); });
}

AudioPump::~AudioPump() {
    stop_.store(true, std::memory_order_relaxed);
    thread_.join();
}

void AudioPump::attach(PumpSlot* slot) {
    auto next = std::make_unique<Table>();
    next->slots = current_->slots;
    next->slots.push_back(slot);
    publish(std::move(next));
}

void AudioPump::detach(PumpSlot* slot) {
    auto next = std::make_unique<Table>();
    next->slots = current_->slots;
    std::erase(next->slots, slot);
    publish(std::move(next));
}

void AudioPump::publish(std::unique_ptr<Table> table) {
    table->epoch = current_->epoch + 1;
    const std::uint64_t epoch = table->epoch;
    table_.store(table.get(), std::memory_order_release);
    // The worker acknowledges an epoch at the end of a cycle that used that
    // table; cycles run one after another, so every earlier table is free.
    while (acked_epoch_.load(std::memory_order_acquire) < epoch) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    current_ = std::move(table);
}

void AudioPump::run() {
    timespec next {};
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (!stop_.load(std::memory_order_relaxed)) {
        const Table* table = table_.load(std::memory_order_acquire);
        for (PumpSlot* slot : table->slots) {
            pump(*slot);
        }
        acked_epoch_.store(table->epoch, std::memory_order_release);
        cycles_.fetch_add(1, std::memory_order_relaxed);

        add_ns(next, period_.count());
        timespec now {};
        clock_gettime(CLOCK_MONOTONIC, &now);
        // After a long stall (debugger, overloaded machine) restart the
        // schedule instead of running a burst of late cycles.
        if (now.tv_sec > next.tv_sec + 1) {
            next = now;
        }
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, nullptr) != 0) {
        }
    }
    acked_epoch_.store(table_.load(std::memory_order_acquire)->epoch, std::memory_order_release);
}

void AudioPump::pump(PumpSlot& slot) {
    float* buffer = slot.scratch.data();
    const std::size_t capacity = slot.scratch_frames;
    if (slot.sender != nullptr) {
        // Capture: drain the ring; the sender packetizes as packets fill.
        while (true) {
            const std::size_t n = slot.audio->read(std::span<float>(buffer, capacity * slot.channels));
            if (n == 0) {
                break;
            }
            slot.sender->write(buffer, n);
            slot.frames.fetch_add(n, std::memory_order_relaxed);
            if (n < capacity) {
                break;
            }
        }
        return;
    }
    // Playback: keep the ring at its target so that the device's clock
    // paces the receiver and the added latency stays bounded.
    const std::size_t room = slot.audio->writable_frames();
    const std::size_t queued = slot.ring_frames > room ? slot.ring_frames - room : 0;
    if (queued >= slot.target_fill_frames) {
        return;
    }
    std::size_t want = std::min({slot.target_fill_frames - queued, room, capacity});
    if (want == 0) {
        return;
    }
    slot.receiver->read(buffer, want);
    const std::size_t n = slot.audio->write(std::span<const float>(buffer, want * slot.channels));
    slot.frames.fetch_add(n, std::memory_order_relaxed);
}

} // namespace rocd::streams
