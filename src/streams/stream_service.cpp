#include "streams/stream_service.h"

#include <algorithm>

#include <malloc.h>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "streams/stream_metrics.h"

namespace rocd::streams {

using Clock = std::chrono::steady_clock;

struct StreamService::Entry {
    explicit Entry(Uid uid) : uid(std::move(uid)) {}
    Uid uid;
    /// PortService references held on the stream's ports (so they stay
    /// listed and cannot be deleted under the stream).
    std::vector<Uid> retained;
    /// Set unless the stored spec could not be read (then `stored` is shown).
    std::optional<StreamSpec> spec;
    std::string stored;
    StreamState state = StreamState::starting;
    std::string error;
    std::unique_ptr<RunningStream> running;
    std::uint64_t last_flow = 0;
    Clock::time_point started_at {};
    Clock::time_point last_flow_at {};
};

StreamService::StreamService(boost::asio::io_context& io, ports::PortService& ports,
                             drivers::DeviceDriver& driver, store::StreamRepository& repository,
                             SpecCodec codec, transport::net::NetworkLoop& loop, StreamServiceOptions options)
    : io_(io), ports_(ports), repository_(repository), codec_(std::move(codec)), options_(options),
      opener_(ports, driver, loop, options.playback_fill), pump_(options.pump_period), timer_(io) {}

StreamService::~StreamService() {
    if (listener_) {
        ports_.remove_listener(*listener_);
    }
    timer_.cancel();
    for (auto& entry : streams_) {
        stop(*entry);
        release_ports(*entry);
    }
}

Status StreamService::start() {
    // PortService calls listeners on this thread, after its own state moved.
    listener_ = ports_.add_listener(
        [this](ports::PortService::Change change, const Port& port) { on_port_change(change, port); });
    auto records = repository_.list();
    if (!records) {
        return tl::unexpected(records.error());
    }
    for (const auto& record : *records) {
        auto entry = std::make_unique<Entry>(record.uid);
        auto spec = codec_.decode(record.spec);
        if (!spec) {
            entry->stored = record.spec;
            entry->state = StreamState::error;
            entry->error = "stored definition is invalid: " + spec.error().message;
        } else {
            entry->spec = std::move(*spec);
            retain_ports(*entry);
            start_or_wait(*entry);
        }
        spdlog::info("stream {} restored: {}{}{}", record.uid.str(), state_name(entry->state),
                     entry->error.empty() ? "" : ": ", entry->error);
        streams_.push_back(std::move(entry));
    }
    arm_timer();
    return {};
}

void StreamService::arm_timer() {
    timer_.expires_after(options_.state_interval);
    std::weak_ptr<int> alive = alive_;
    timer_.async_wait([this, alive](const boost::system::error_code& ec) {
        if (ec || !alive.lock()) {
            return;
        }
        evaluate_states();
        arm_timer();
    });
}

void StreamService::retain_ports(Entry& entry) {
    if (!entry.spec) {
        return;
    }
    for (const Uid& uid : port_uids(*entry.spec)) {
        if (std::find(entry.retained.begin(), entry.retained.end(), uid) == entry.retained.end() &&
            ports_.retain(uid)) {
            entry.retained.push_back(uid);
        }
    }
}

void StreamService::release_ports(Entry& entry) {
    for (const Uid& uid : entry.retained) {
        ports_.release(uid);
    }
    entry.retained.clear();
}

void StreamService::run(Entry& entry, std::unique_ptr<RunningStream> running) {
    entry.running = std::move(running);
    entry.last_flow = 0;
    entry.started_at = Clock::now();
    entry.last_flow_at = entry.started_at;
    // Playback first: a local stream sends nothing before its receiving
    // side is pumped.
    for (PumpSlot* slot : {&entry.running->receive_slot, &entry.running->send_slot}) {
        if (slot->audio != nullptr) {
            pump_.attach(slot);
        }
    }
}

void StreamService::stop(Entry& entry) {
    if (!entry.running) {
        return;
    }
    for (PumpSlot* slot : {&entry.running->send_slot, &entry.running->receive_slot}) {
        if (slot->audio != nullptr) {
            pump_.detach(slot);
        }
    }
    entry.running.reset();
    // A receiver's buffers are megabytes; glibc would otherwise keep the
    // freed heap, and the daemon's RSS would stay at its peak stream count.
    malloc_trim(0);
}

void StreamService::start_or_wait(Entry& entry) {
    auto running = opener_.open(*entry.spec);
    if (running) {
        run(entry, std::move(*running));
        set_state(entry, StreamState::starting);
    } else if (running.error().code == Errc::not_found) {
        set_state(entry, StreamState::waiting_for_port);
    } else {
        set_state(entry, StreamState::error, running.error().message);
    }
}

void StreamService::set_state(Entry& entry, StreamState state, std::string error) {
    if (entry.state == state && entry.error == error) {
        return;
    }
    entry.state = state;
    entry.error = std::move(error);
    notify(StreamChange::state_changed, entry);
}

Result<StreamView> StreamService::create(const StreamSpec& spec) {
    auto planned = opener_.plan(spec);
    if (!planned) {
        return tl::unexpected(planned.error());
    }
    std::unique_ptr<RunningStream> running;
    if (planned->present()) {
        auto opened = opener_.open(spec, std::move(*planned));
        if (!opened) {
            return tl::unexpected(opened.error());
        }
        running = std::move(*opened);
    }
    auto entry = std::make_unique<Entry>(Uid::random());
    entry->spec = spec;
    retain_ports(*entry);
    if (entry->retained.size() != port_uids(*entry->spec).size()) {
        release_ports(*entry);
        return fail(Errc::internal, "cannot keep a reference to the stream's ports");
    }
    auto stored = repository_.insert({entry->uid, codec_.encode(spec)});
    if (!stored) {
        release_ports(*entry);
        return tl::unexpected(stored.error()); // `running` closes everything
    }
    if (running) {
        run(*entry, std::move(running));
    } else {
        entry->state = StreamState::waiting_for_port;
    }
    streams_.push_back(std::move(entry));
    notify(StreamChange::added, *streams_.back());
    return view_of(*streams_.back());
}

StreamService::Entry* StreamService::find(const Uid& uid) const {
    for (const auto& entry : streams_) {
        if (entry->uid == uid) {
            return entry.get();
        }
    }
    return nullptr;
}

Result<StreamView> StreamService::get(const Uid& uid) const {
    const Entry* entry = find(uid);
    if (entry == nullptr) {
        return fail(Errc::not_found, "no stream " + uid.str(), "stream");
    }
    return view_of(*entry);
}

std::vector<StreamView> StreamService::list() const {
    std::vector<StreamView> out;
    out.reserve(streams_.size());
    for (const auto& entry : streams_) {
        out.push_back(view_of(*entry));
    }
    return out;
}

Result<StreamView> StreamService::update(const Uid& uid, const StreamSettings& settings) {
    Entry* entry = find(uid);
    if (entry == nullptr) {
        return fail(Errc::not_found, "no stream " + uid.str(), "stream");
    }
    if (!entry->spec) {
        return fail(Errc::conflict, "the stream's stored definition is invalid; delete it", "settings");
    }
    StreamSpec next = *entry->spec;
    next.settings = settings;
    const bool was_running = entry->running != nullptr;
    // The old transport must go first: the new one binds the same address.
    stop(*entry);
    auto running = opener_.open(next);
    if (!running && running.error().code != Errc::not_found) {
        if (was_running) {
            start_or_wait(*entry);
        }
        return tl::unexpected(running.error());
    }
    if (auto stored = repository_.update({entry->uid, codec_.encode(next)}); !stored) {
        running = tl::unexpected(stored.error()); // closes the new transport
        if (was_running) {
            start_or_wait(*entry);
        }
        return tl::unexpected(stored.error());
    }
    entry->spec = std::move(next);
    if (running) {
        run(*entry, std::move(*running));
        set_state(*entry, StreamState::starting);
    } else {
        set_state(*entry, StreamState::waiting_for_port);
    }
    notify(StreamChange::updated, *entry);
    return view_of(*entry);
}

Status StreamService::remove(const Uid& uid) {
    auto it = std::find_if(streams_.begin(), streams_.end(), [&](const auto& e) { return e->uid == uid; });
    if (it == streams_.end()) {
        return fail(Errc::not_found, "no stream " + uid.str(), "stream");
    }
    if (auto st = repository_.remove(uid); !st) {
        return st;
    }
    Entry& entry = **it;
    stop(entry);
    release_ports(entry);
    auto last = view_of(entry);
    streams_.erase(it);
    listeners_.notify(StreamChange::removed, last);
    return {};
}

void StreamService::evaluate_states() {
    const auto now = Clock::now();
    for (auto& entry : streams_) {
        if (!entry->running) {
            continue;
        }
        const auto& r = *entry->running;
        // What arrives, for streams that receive; what leaves otherwise.
        const std::uint64_t flow =
            r.receiver ? r.receiver->metrics().packets_received : r.sender->metrics().packets_sent;
        if (flow > entry->last_flow) {
            entry->last_flow = flow;
            entry->last_flow_at = now;
            set_state(*entry, StreamState::active);
        } else if (now - entry->last_flow_at >= options_.idle_after) {
            set_state(*entry, StreamState::idle);
        }
    }
}

void StreamService::on_port_change(ports::PortService::Change change, const Port& port) {
    const bool present = change != ports::PortService::Change::removed && port.present;
    for (auto& entry : streams_) {
        if (!entry->spec) {
            continue;
        }
        const auto uids = port_uids(*entry->spec);
        if (std::find(uids.begin(), uids.end(), port.uid) == uids.end()) {
            continue;
        }
        if (change != ports::PortService::Change::removed) {
            retain_ports(*entry); // a restored stream whose port was not listed then
        }
        if (!present && entry->running) {
            stop(*entry);
            set_state(*entry, StreamState::waiting_for_port);
        } else if (present && entry->state == StreamState::waiting_for_port) {
            start_or_wait(*entry); // waits on while its other port is absent
        }
    }
}

StreamView StreamService::view_of(const Entry& entry) const {
    StreamView view {entry.uid};
    view.spec = entry.spec;
    if (!entry.spec) {
        view.stored_definition = entry.stored;
    }
    view.state = entry.state;
    view.error = entry.error;
    if (entry.running) {
        view.metrics = measure(*entry.running);
    }
    return view;
}

void StreamService::notify(StreamChange change, const Entry& entry) const {
    listeners_.notify(change, view_of(entry));
}

} // namespace rocd::streams
