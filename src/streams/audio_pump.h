// The audio pump: one real-time worker thread that moves frames between the
// drivers' rings and the transport for every running stream.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "drivers/device_io.h"
#include "transport/receiver.h"
#include "transport/sender.h"

namespace rocd::streams {

/// One running stream as the pump sees it. Owned by the control plane; the
/// pump only uses it between attach() and detach()'s completion.
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
/// (control plane only) publish a new table and return at once. The worker
/// acknowledges at the end of each cycle the table it used (its epoch); a
/// timer on the control plane's io_context then frees the tables no cycle
/// can still see and runs the detach completions. Nobody waits.
class AudioPump {
public:
    /// `priority` 1..99: the worker runs SCHED_FIFO at that priority (so
    /// that a busy machine does not delay a cycle past what the playback
    /// rings hold); if the system refuses, it runs on with normal
    /// scheduling and a warning says why. 0: normal scheduling.
    AudioPump(boost::asio::io_context& io, std::chrono::nanoseconds period = std::chrono::milliseconds(3),
              int priority = 0);
    /// Stops the worker; completions still pending are dropped.
    ~AudioPump();
    AudioPump(const AudioPump&) = delete;
    AudioPump& operator=(const AudioPump&) = delete;

    void attach(PumpSlot* slot);
    /// Takes `slots` out of the table; `done` runs on the control plane once
    /// the worker no longer touches any of them (within about one period).
    /// After stop(), at once.
    void detach(std::vector<PumpSlot*> slots, std::function<void()> done);
    /// Stops the worker thread (for shutting down: what is attached can be
    /// freed as soon as this returns).
    void stop();

    std::size_t size() const { return table_.load(std::memory_order_acquire)->slots.size(); }
    /// The worker's SCHED_FIFO priority, 0 when it runs with normal scheduling.
    int priority() const { return priority_; }
    /// Cycles run so far (none while no slot is attached: the worker parks).
    std::uint64_t cycles() const { return cycles_.load(std::memory_order_relaxed); }

private:
    struct Table {
        std::uint64_t epoch = 0;
        std::vector<PumpSlot*> slots;
    };
    /// A table replaced by a newer one, or a detach waiting for its epoch.
    struct Retired {
        std::uint64_t free_at = 0; ///< free once the worker acked this epoch
        std::unique_ptr<Table> table;
        std::function<void()> done;
    };

    void run();
    static void pump(PumpSlot& slot);
    std::uint64_t publish(std::vector<PumpSlot*> slots);
    void settle();

    const std::chrono::nanoseconds period_;
    std::unique_ptr<Table> current_; // control plane's owner of the published table
    std::atomic<Table*> table_;
    std::atomic<std::uint64_t> acked_epoch_ {0};
    std::atomic<std::uint64_t> cycles_ {0};
    std::atomic<bool> stop_ {false};
    /// Bumped (and waited on) to wake a worker parked with no slot.
    std::atomic<std::uint32_t> wake_ {0};
    void wake();
    std::thread thread_;
    int priority_ = 0;
    std::deque<Retired> retired_;
    boost::asio::steady_timer settle_timer_;
    bool settling_ = false;
};

} // namespace rocd::streams
