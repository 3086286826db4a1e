#include "transport/net/network_loop.h"

#include <cerrno>
#include <cstring>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace rocd::transport::net {

Result<std::unique_ptr<NetworkLoop>> NetworkLoop::create(core::Duration tick) {
    std::unique_ptr<NetworkLoop> loop(new NetworkLoop());
    loop->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    loop->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    loop->timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (loop->epoll_fd_ < 0 || loop->wake_fd_ < 0 || loop->timer_fd_ < 0) {
        return fail(Errc::io, std::string("network loop: ") + std::strerror(errno));
    }
    if (tick.count() <= 0) {
        tick = std::chrono::milliseconds(1);
    }
    loop->tick_ = tick;
    // Internal descriptors are tagged with the address of their member.
    for (int* fd : {&loop->wake_fd_, &loop->timer_fd_}) {
        epoll_event ev {};
        ev.events = EPOLLIN;
        ev.data.ptr = fd;
        epoll_ctl(loop->epoll_fd_, EPOLL_CTL_ADD, *fd, &ev);
    }
    loop->thread_ = std::thread([l = loop.get()] { l->run(); });
    return loop;
}

NetworkLoop::~NetworkLoop() {
    stop_ = true;
    if (wake_fd_ >= 0) {
        eventfd_write(wake_fd_, 1);
    }
    if (thread_.joinable()) {
        thread_.join();
    }
    for (int fd : {epoll_fd_, wake_fd_, timer_fd_}) {
        if (fd >= 0) {
            close(fd);
        }
    }
}

Status NetworkLoop::call(std::function<Status()> fn) {
    Status result;
    bool done = false;
    std::unique_lock lock(mutex_);
    commands_.push_back(Command {std::move(fn), &result, &done});
    eventfd_write(wake_fd_, 1);
    cond_.wait(lock, [&] { return done; });
    return result;
}

Status NetworkLoop::add(IPort& port) {
    return call([this, &port]() -> Status {
        if (port.fd() >= 0) {
            epoll_event ev {};
            ev.events = EPOLLIN;
            ev.data.ptr = &port;
            if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, port.fd(), &ev) != 0) {
                return fail(Errc::io, std::string("epoll_ctl: ") + std::strerror(errno));
            }
        }
        ports_.push_back(&port);
        if (ports_.size() == 1) {
            set_ticking(true);
        }
        return {};
    });
}

void NetworkLoop::set_ticking(bool on) {
    // An idle daemon (no stream) must not wake a thousand times a second.
    itimerspec spec {};
    if (on) {
        spec.it_interval.tv_sec = tick_.count() / 1'000'000'000;
        spec.it_interval.tv_nsec = tick_.count() % 1'000'000'000;
        spec.it_value = spec.it_interval;
    }
    timerfd_settime(timer_fd_, 0, &spec, nullptr);
}

void NetworkLoop::remove(IPort& port) {
    (void)call([this, &port]() -> Status {
        if (port.fd() >= 0) {
            epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, port.fd(), nullptr);
        }
        std::erase(ports_, &port);
        if (ports_.empty()) {
            set_ticking(false);
        }
        // Whatever the audio side queued last still goes out.
        port.on_tick();
        return {};
    });
}

void NetworkLoop::run_commands() {
    std::lock_guard lock(mutex_);
    for (auto& c : commands_) {
        *c.result = c.fn();
        *c.done = true;
    }
    commands_.clear();
    cond_.notify_all();
}

void NetworkLoop::run() {
    constexpr int MaxEvents = 64;
    epoll_event events[MaxEvents];
    while (!stop_.load(std::memory_order_relaxed)) {
        const int n = epoll_wait(epoll_fd_, events, MaxEvents, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        // Commands (add/remove) run after the batch: a port removed by one
        // is still alive while this batch's events are handled.
        bool tick = false, wake = false;
        for (int i = 0; i < n; ++i) {
            void* tag = events[i].data.ptr;
            if (tag == &timer_fd_) {
                tick = true;
            } else if (tag == &wake_fd_) {
                wake = true;
            } else {
                static_cast<IPort*>(tag)->on_readable();
            }
        }
        if (tick) {
            std::uint64_t expirations = 0;
            (void)!read(timer_fd_, &expirations, sizeof(expirations));
            for (IPort* p : ports_) {
                p->on_tick();
            }
            ticks_.fetch_add(1, std::memory_order_relaxed);
        }
        if (wake) {
            eventfd_t v = 0;
            eventfd_read(wake_fd_, &v);
            run_commands();
        }
    }
    run_commands();
}

} // namespace rocd::transport::net
