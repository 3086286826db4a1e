// The audio pump: one real-time worker thread that moves frames between the
// drivers' rings and the transport for every running stream.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "drivers/device_io.h"
#include "transport/receiver.h"
#include "transport/sender.h"

namespace rocd::streams {

/// One running stream as the pump sees it. Owned by the control plane; the
/// pump only uses it between attach() and the return of detach().
struct PumpSlot {
    drivers::DeviceIo* audio = nullptr;
    /// Exactly one of sender (capture -> network) or receiver (network ->
    /// playback) is set.
    transport::Sender* sender = nullptr;
    transport::Receiver* receiver = nullptr;
    std::uint32_t channels = 0;
    /// Scratch buffer, `scratch_frames * channels` floats, allocated at start.
    std::vector<float> scratch;
    std::size_t scratch_frames = 0;
    /// Playback: ring capacity in frames, and how full the pump keeps it.
    std::size_t ring_frames = 0;
    std::size_t target_fill_frames = 0;
    /// Frames moved (written to the sender, or pushed to the playback ring).
    std::atomic<std::uint64_t> frames {0};
};

/// The worker wakes every `period` on absolute CLOCK_MONOTONIC deadlines
/// and, for each attached slot, moves all captured frames into the sender,
/// or tops the playback ring up to its target from the receiver.
///
/// The set of slots is an immutable table published through an atomic
/// pointer: the worker never locks, allocates or logs. attach()/detach()
/// (control plane only) publish a new table and wait until the worker has
/// finished every cycle that could still see the old one (an epoch it
/// acknowledges at the end of each cycle), then free it.
class AudioPump {
public:
    explicit AudioPump(std::chrono::nanoseconds period = std::chrono::milliseconds(3));
    ~AudioPump();
    AudioPump(const AudioPump&) = delete;
    AudioPump& operator=(const AudioPump&) = delete;

    void attach(PumpSlot* slot);
    /// Returns once the worker no longer touches `slot`.
    void detach(PumpSlot* slot);

    std::size_t size() const { return table_.load(std::memory_order_acquire)->slots.size(); }
    /// Cycles run so far.
    std::uint64_t cycles() const { return cycles_.load(std::memory_order_relaxed); }

private:
    struct Table {
        std::uint64_t epoch = 0;
        std::vector<PumpSlot*> slots;
    };

    void run();
    static void pump(PumpSlot& slot);
    void publish(std::unique_ptr<Table> table);

    const std::chrono::nanoseconds period_;
    std::unique_ptr<Table> current_; // control plane's owner of the published table
    std::atomic<Table*> table_;
    std::atomic<std::uint64_t> acked_epoch_ {0};
    std::atomic<std::uint64_t> cycles_ {0};
    std::atomic<bool> stop_ {false};
    std::thread thread_;
};

} // namespace rocd::streams
