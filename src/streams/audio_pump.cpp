#include "streams/audio_pump.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include <spdlog/spdlog.h>

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

AudioPump::AudioPump(boost::asio::io_context& io, std::chrono::nanoseconds period, int priority)
    : period_(period), current_(std::make_unique<Table>()), table_(current_.get()), settle_timer_(io) {
    thread_ = std::thread([this] { run(); });
    pthread_setname_np(thread_.native_handle(), "rocd-pump");
    if (priority <= 0) {
        return;
    }
    // Set from here, not by the worker, so that the outcome can be logged.
    sched_param param {};
    param.sched_priority = std::min(priority, sched_get_priority_max(SCHED_FIFO));
    if (const int err = pthread_setschedparam(thread_.native_handle(), SCHED_FIFO, &param); err != 0) {
        spdlog::warn("audio pump: cannot run with real-time priority {} ({}); it runs with normal "
                     "scheduling, and audio may drop out while the machine is busy (allow it with "
                     "CAP_SYS_NICE or an RLIMIT_RTPRIO of at least {}, e.g. LimitRTPRIO= in a systemd "
                     "unit, or set audio_priority: 0)",
                     param.sched_priority, std::strerror(err), param.sched_priority);
        return;
    }
    priority_ = param.sched_priority;
    spdlog::debug("audio pump: SCHED_FIFO priority {}", priority_);
}

AudioPump::~AudioPump() {
    stop();
    settle_timer_.cancel();
}

void AudioPump::stop() {
    if (!stop_.exchange(true, std::memory_order_relaxed)) {
        wake();
        thread_.join();
    }
}

void AudioPump::wake() {
    wake_.fetch_add(1, std::memory_order_release);
    wake_.notify_one();
}

void AudioPump::attach(PumpSlot* slot) {
    auto slots = current_->slots;
    slots.push_back(slot);
    publish(std::move(slots));
}

void AudioPump::detach(std::vector<PumpSlot*> slots, std::function<void()> done) {
    auto next = current_->slots;
    for (PumpSlot* slot : slots) {
        std::erase(next, slot);
    }
    const std::uint64_t epoch = publish(std::move(next));
    if (stop_.load(std::memory_order_relaxed)) {
        if (done) {
            done();
        }
        return;
    }
    retired_.push_back({epoch, nullptr, std::move(done)});
    settle();
}

std::uint64_t AudioPump::publish(std::vector<PumpSlot*> slots) {
    auto table = std::make_unique<Table>();
    table->epoch = current_->epoch + 1;
    table->slots = std::move(slots);
    table_.store(table.get(), std::memory_order_release);
    const std::uint64_t epoch = table->epoch;
    // The worker acknowledges an epoch at the end of a cycle that used that
    // table; cycles run one after another, so once it acked `epoch` no cycle
    // can still see an older table.
    if (!stop_.load(std::memory_order_relaxed)) {
        retired_.push_back({epoch, std::move(current_), {}});
    }
    current_ = std::move(table);
    wake();
    settle();
    return epoch;
}

void AudioPump::settle() {
    const std::uint64_t acked = acked_epoch_.load(std::memory_order_acquire);
    // Completions run after the table is updated: one may attach or detach.
    std::vector<std::function<void()>> ready;
    while (!retired_.empty() && retired_.front().free_at <= acked) {
        if (retired_.front().done) {
            ready.push_back(std::move(retired_.front().done));
        }
        retired_.pop_front();
    }
    if (!retired_.empty() && !settling_) {
        settling_ = true;
        settle_timer_.expires_after(period_);
        settle_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (ec) {
                return; // cancelled: the pump is gone
            }
            settling_ = false;
            settle();
        });
    }
    for (auto& done : ready) {
        done();
    }
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

        // With nothing to pump, park until a table or stop() comes (no
        // audio flows, so waiting is harmless). Only on the table this cycle
        // used and acknowledged: a newer one must be acknowledged first, or
        // a detach would wait for it forever. `seen` is read before the
        // table, so that a publish in between is never missed.
        const std::uint32_t seen = wake_.load(std::memory_order_acquire);
        if (table->slots.empty() && table_.load(std::memory_order_acquire) == table &&
            !stop_.load(std::memory_order_relaxed)) {
            wake_.wait(seen, std::memory_order_acquire);
            clock_gettime(CLOCK_MONOTONIC, &next);
            continue;
        }

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
