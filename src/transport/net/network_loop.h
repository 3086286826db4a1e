// The network thread: one epoll loop that serves every UDP port of a
// process (many senders and receivers share it).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"
#include "transport/core/duration.h"

namespace rocd::transport::net {

/// Something the loop drives: a socket to read when readable, and a
/// periodic tick to flush what the audio side queued (the audio side never
/// makes a syscall, so the loop polls its queues every `tick` while it has
/// a port at all).
class IPort {
public:
    virtual ~IPort() = default;
    /// The socket to watch, or -1.
    virtual int fd() const = 0;
    /// Called on the loop thread when fd() is readable.
    virtual void on_readable() = 0;
    /// Called on the loop thread every tick.
    virtual void on_tick() = 0;
};

/// Owns the network thread. add()/remove() may be called from any thread
/// but the loop's own; they return once the loop has taken the change.
class NetworkLoop {
public:
    /// Starts the thread; `tick` is the flush period of outgoing queues.
    static Result<std::unique_ptr<NetworkLoop>> create(core::Duration tick = std::chrono::milliseconds(1));
    ~NetworkLoop();
    NetworkLoop(const NetworkLoop&) = delete;
    NetworkLoop& operator=(const NetworkLoop&) = delete;

    Status add(IPort& port);
    /// After it returns, the loop never touches `port` again.
    void remove(IPort& port);

    /// Ticks so far (for tests and benchmarks).
    std::uint64_t ticks() const { return ticks_.load(std::memory_order_relaxed); }

private:
    NetworkLoop() = default;
    void run();
    void run_commands();
    Status call(std::function<Status()> fn);
    /// Arms or disarms the tick timer (loop thread).
    void set_ticking(bool on);

    int epoll_fd_ = -1;
    int wake_fd_ = -1;
    int timer_fd_ = -1;
    core::Duration tick_ {};
    std::thread thread_;
    std::atomic<bool> stop_ {false};
    std::atomic<std::uint64_t> ticks_ {0};
    std::vector<IPort*> ports_; // loop thread only

    struct Command {
        std::function<Status()> fn;
        Status* result;
        bool* done;
    };
    std::mutex mutex_;
    std::condition_variable cond_;
    std::vector<Command> commands_;
};

} // namespace rocd::transport::net
