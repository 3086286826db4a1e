#include "streams/host_resolver.h"

#include <mutex>
#include <system_error>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace rocd::streams {

using transport::address::SocketAddress;

// What lookup threads share with the resolver: once `owner` is null the
// resolver (and perhaps its io_context) is gone and nothing may be posted.
struct HostResolver::Shared {
    std::mutex mutex;
    HostResolver* owner = nullptr;
};

struct HostResolver::Lookup {
    Lookup(boost::asio::io_context& io, Done<SocketAddress> done) : done(std::move(done)), timer(io) {}
    Done<SocketAddress> done;
    boost::asio::steady_timer timer;
};

HostResolver::HostResolver(boost::asio::io_context& io, std::chrono::milliseconds deadline,
                           std::size_t max_lookups)
    : io_(io), deadline_(deadline), max_lookups_(max_lookups), shared_(std::make_shared<Shared>()) {
    shared_->owner = this;
}

HostResolver::~HostResolver() {
    std::lock_guard lock(shared_->mutex);
    shared_->owner = nullptr;
}

void HostResolver::finish(std::uint64_t id, Result<SocketAddress> result) {
    auto it = waiting_.find(id);
    if (it == waiting_.end()) {
        return; // answered already (deadline, then the late result)
    }
    auto lookup = std::move(it->second);
    waiting_.erase(it);
    lookup->timer.cancel();
    lookup->done(std::move(result));
}

// Runs on the io_context: the answer reaches the resolver if it still exists.
void HostResolver::deliver(const std::shared_ptr<Shared>& shared, std::uint64_t id,
                           Result<SocketAddress> result, bool from_thread) {
    HostResolver* owner = nullptr;
    {
        std::lock_guard lock(shared->mutex);
        owner = shared->owner;
    }
    if (owner == nullptr) {
        return;
    }
    if (from_thread) {
        owner->in_flight_--;
    }
    owner->finish(id, std::move(result));
}

void HostResolver::answer_later(std::uint64_t id, Error error) {
    // Posted: `done` never runs inside resolve().
    boost::asio::post(io_, [shared = shared_, id, error = std::move(error)]() mutable {
        deliver(shared, id, tl::unexpected(std::move(error)), false);
    });
}

void HostResolver::resolve(const std::string& host, Done<SocketAddress> done) {
    const std::uint64_t id = next_id_++;
    auto& lookup = waiting_[id] = std::make_unique<Lookup>(io_, std::move(done));
    if (in_flight_ >= max_lookups_) {
        answer_later(id, Error {Errc::unavailable,
                                "too many host name lookups in progress (" + std::to_string(max_lookups_) +
                                    "); retry later",
                                {}});
        return;
    }
    lookup->timer.expires_after(deadline_);
    lookup->timer.async_wait([this, id, host](const boost::system::error_code& ec) {
        if (!ec) {
            finish(id, fail(Errc::timed_out, "no answer for host '" + host + "' within " +
                                                 std::to_string(deadline_.count()) +
                                                 " ms: the name server did not reply"));
        }
    });
    try {
        std::thread([&io = io_, host, id, shared = shared_] {
            auto address = SocketAddress::resolve(host, 0);
            std::lock_guard lock(shared->mutex);
            if (shared->owner == nullptr) {
                return;
            }
            boost::asio::post(io, [shared, id, address = std::move(address)]() mutable {
                deliver(shared, id, std::move(address), true);
            });
        }).detach();
        in_flight_++;
    } catch (const std::system_error& e) {
        answer_later(
            id, Error {Errc::unavailable, std::string("cannot start a host name lookup: ") + e.what(), {}});
    }
}

} // namespace rocd::streams
