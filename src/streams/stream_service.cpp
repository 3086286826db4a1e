#include "streams/stream_service.h"

#include <algorithm>

#include <malloc.h>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "streams/stream_entry.h"
#include "streams/stream_metrics.h"

namespace rocd::streams {

StreamService::StreamService(boost::asio::io_context& io, ports::PortService& ports,
                             drivers::DeviceDriver& driver, store::StreamRepository& repository,
                             SpecCodec codec, transport::net::NetworkLoop& loop, StreamServiceOptions options)
    : io_(io), ports_(ports), repository_(repository), codec_(std::move(codec)), options_(options),
      resolver_(io, options.resolve_deadline, options.max_lookups),
      opener_(ports, driver, loop, resolver_, options.playback_fill, options.max_sessions_per_stream),
      pump_(io, options.pump_period, options.pump_priority), timer_(io) {}

StreamService::~StreamService() {
    if (listener_) {
        ports_.remove_listener(*listener_);
    }
    timer_.cancel();
    // With the pump stopped, every transport closes here and now.
    pump_.stop();
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
    // Tombstones are kept for 30 days (docs/p2p.md §20.5).
    const auto month_ago =
        std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()) -
        std::chrono::days(30);
    if (auto forgotten = repository_.forget_tombstones(month_ago); !forgotten) {
        spdlog::warn("streams: {}", forgotten.error().message);
    }
    for (const auto& record : *records) {
        auto entry = std::make_unique<Entry>(record.uid);
        auto spec = codec_.decode(record.spec);
        if (!spec) {
            entry->stored = record.spec;
            entry->state = StreamState::error;
            entry->error = "stored definition is invalid: " + spec.error().message;
        }
        streams_.push_back(std::move(entry));
        Entry& restored = *streams_.back();
        if (spec) {
            restored.spec = std::move(*spec);
            retain_ports(restored);
            start_or_wait(restored);
        }
        spdlog::info("stream {} restored: {}{}{}", record.uid.str(), state_name(shown_state(restored)),
                     restored.error.empty() ? "" : ": ", restored.error);
    }
    arm_timer();
    return {};
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

void StreamService::stop(Entry& entry, std::function<void()> then,
                         std::shared_ptr<transport::ReceiverSockets> kept) {
    entry.generation++;
    if (!entry.running) {
        when_stopped(entry, std::move(then));
        return;
    }
    std::shared_ptr<RunningStream> running = std::move(entry.running);
    std::vector<PumpSlot*> slots;
    for (PumpSlot* slot : {&running->send_slot, &running->receive_slot}) {
        if (slot->audio != nullptr) {
            slots.push_back(slot);
        }
    }
    auto waiters = std::make_shared<std::vector<std::function<void()>>>();
    if (then) {
        waiters->push_back(std::move(then));
    }
    entry.stopping = waiters;
    pump_.detach(std::move(slots), [this, uid = entry.uid, running, waiters, kept]() mutable {
        if (kept && running->receiver) {
            *kept = running->receiver->release_sockets();
        }
        running.reset();
        // A receiver's buffers are megabytes; glibc would otherwise keep the
        // freed heap, and the daemon's RSS would stay at its peak stream count.
        malloc_trim(0);
        if (Entry* now = find(uid); now != nullptr && now->stopping == waiters) {
            now->stopping.reset();
        }
        // One waiter may stop the stream again: the rest then wait for that.
        for (std::size_t i = 0; i < waiters->size(); ++i) {
            Entry* now = find(uid);
            if (now != nullptr && now->stopping && now->stopping != waiters) {
                for (std::size_t k = i; k < waiters->size(); ++k) {
                    now->stopping->push_back(std::move((*waiters)[k]));
                }
                return;
            }
            auto waiter = std::move((*waiters)[i]);
            waiter();
        }
    });
}

void StreamService::when_stopped(Entry& entry, std::function<void()> then) {
    if (!then) {
        return;
    }
    if (entry.stopping) {
        entry.stopping->push_back(std::move(then));
    } else {
        then();
    }
}

void StreamService::create(const StreamSpec& spec, Done<StreamView> done, std::optional<Uid> given) {
    if (given) {
        if (const Entry* entry = find(*given); entry != nullptr) {
            return done(view_of(*entry));
        }
    }
    if (given) {
        if (auto deleted = repository_.has_tombstone(*given); !deleted || *deleted) {
            return done(deleted
                            ? fail(Errc::gone, "stream " + given->str() + " was deleted here", "stream_uid")
                            : tl::unexpected(deleted.error()));
        }
    }
    const Uid uid = given ? *given : Uid::random();
    if (auto st = check_direction_settings(spec.direction, spec.settings); !st) {
        return done(tl::unexpected(st.error()));
    }
    if (streams_.size() + creating_ >= options_.max_streams) {
        return done(fail(Errc::limit_reached, "this daemon has " + std::to_string(streams_.size()) +
                                                  " streams, its limit (max_streams); delete one first"));
    }
    auto planned = opener_.plan(spec);
    if (!planned) {
        return done(tl::unexpected(planned.error()));
    }
    if (!planned->present()) {
        return done(add(spec, nullptr, uid));
    }
    std::weak_ptr<int> alive = alive_;
    creating_++; // counted against max_streams while its names resolve
    opener_.open(
        spec, std::move(*planned),
        [this, alive, spec, uid, done = std::move(done)](Result<std::unique_ptr<RunningStream>> opened) {
            if (!alive.lock()) {
                return;
            }
            creating_--;
            if (!opened && opened.error().code == Errc::not_found) {
                // The device went away after plan() saw its port
                // (PipeWire stopping): the stream waits for it.
                // The port's return starts it, and one more try
                // after the driver's pending events covers a
                // device back before the port service saw it go.
                auto added = add(spec, nullptr, uid);
                if (added) {
                    boost::asio::post(io_, [this, alive, uid = added->uid] {
                        Entry* entry = alive.lock() ? find(uid) : nullptr;
                        if (entry != nullptr && entry->state == StreamState::waiting_for_port) {
                            start_or_wait(*entry);
                        }
                    });
                }
                return done(std::move(added));
            }
            if (!opened) {
                return done(tl::unexpected(opened.error()));
            }
            done(add(spec, std::move(*opened), uid));
        });
}

Result<StreamView> StreamService::add(const StreamSpec& spec, std::unique_ptr<RunningStream> running,
                                      Uid uid) {
    if (find(uid) != nullptr) {
        return fail(Errc::conflict, "stream " + uid.str() + " exists", "stream");
    }
    auto entry = std::make_unique<Entry>(std::move(uid));
    entry->spec = spec;
    if (spec.other_end && running && running->receiver) {
        entry->spec->address = bound_endpoints(spec.address, *running->receiver);
    }
    retain_ports(*entry);
    if (entry->retained.size() != port_uids(*entry->spec).size()) {
        release_ports(*entry);
        return fail(Errc::internal, "cannot keep a reference to the stream's ports");
    }
    auto stored = repository_.insert({entry->uid, codec_.encode(*entry->spec)});
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
    return notify(StreamChange::added, *streams_.back());
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

void StreamService::update(const Uid& uid, const StreamSettings& settings, Done<StreamView> done) {
    Entry* entry = find(uid);
    if (entry == nullptr) {
        done(fail(Errc::not_found, "no stream " + uid.str(), "stream"));
        return;
    }
    if (!entry->spec) {
        done(fail(Errc::conflict, "the stream's stored definition is invalid; delete it", "settings"));
        return;
    }
    if (auto st = check_direction_settings(entry->spec->direction, settings); !st) {
        done(tl::unexpected(st.error()));
        return;
    }
    reopen(
        *entry, [settings](StreamSpec& spec) { spec.settings = settings; }, std::move(done));
}

void StreamService::readdress(const Uid& uid, const AddressSpec& address, Done<StreamView> done) {
    Entry* entry = find(uid);
    if (entry == nullptr || !entry->spec || !entry->spec->other_end) {
        done(fail(Errc::not_found, "no half of a cross-peer stream " + uid.str(), "stream"));
        return;
    }
    reopen(
        *entry, [address](StreamSpec& spec) { spec.address = address; }, std::move(done));
}

void StreamService::reopen(Entry& entry, std::function<void(StreamSpec&)> edit, Done<StreamView> done) {
    // After any stop in progress, so that changes apply in order.
    when_stopped(entry, [this, uid = entry.uid, edit = std::move(edit), done = std::move(done)]() mutable {
        Entry* entry = find(uid);
        if (entry == nullptr) {
            done(fail(Errc::not_found, "no stream " + uid.str(), "stream"));
            return;
        }
        const bool was_running = entry->running != nullptr;
        // The old transport goes first, but hands its receiving sockets to the
        // new one: closed and bound again, the ports would be free for a
        // moment, and any process binding a port (another stream's sender
        // with an ephemeral one, say) could take them.
        auto kept = std::make_shared<transport::ReceiverSockets>();
        stop(
            *entry,
            [this, uid, edit = std::move(edit), was_running, kept, done = std::move(done)]() mutable {
                if (Entry* entry = find(uid); entry != nullptr) {
                    StreamSpec next = *entry->spec;
                    edit(next);
                    restart(*entry, std::move(next), was_running, std::move(done), kept);
                } else {
                    done(fail(Errc::not_found, "no stream " + uid.str(), "stream"));
                }
            },
            kept);
    });
}

void StreamService::restart(Entry& entry, StreamSpec next, bool was_running, Done<StreamView> done,
                            std::shared_ptr<transport::ReceiverSockets> kept) {
    const auto generation = ++entry.generation;
    std::weak_ptr<int> alive = alive_;
    opener_.open(
        next,
        [this, alive, uid = entry.uid, next, was_running, generation, kept,
         done = std::move(done)](Result<std::unique_ptr<RunningStream>> running) mutable {
            if (!alive.lock()) {
                return;
            }
            Entry* entry = find(uid);
            if (entry == nullptr) {
                return done(fail(Errc::not_found, "no stream " + uid.str(), "stream"));
            }
            if (entry->generation != generation || entry->running) {
                return done(fail(Errc::conflict,
                                 "the stream changed while this update resolved its addresses; retry",
                                 "settings"));
            }
            done(restarted(*entry, std::move(next), was_running, std::move(running), kept));
        },
        kept);
}

Result<StreamView> StreamService::restarted(Entry& entry, StreamSpec next, bool was_running,
                                            Result<std::unique_ptr<RunningStream>> running,
                                            std::shared_ptr<transport::ReceiverSockets> kept) {
    // On failure the old settings run again, on the sockets kept for the new.
    if (!running && running.error().code != Errc::not_found) {
        if (was_running) {
            start_or_wait(entry, kept);
        }
        return tl::unexpected(running.error());
    }
    if (next.other_end && running && (*running)->receiver) {
        next.address = bound_endpoints(next.address, *(*running)->receiver);
    }
    if (auto stored = repository_.update({entry.uid, codec_.encode(next)}); !stored) {
        if (kept && running && (*running)->receiver) {
            *kept = (*running)->receiver->release_sockets();
        }
        running = tl::unexpected(stored.error()); // closes the new transport
        if (was_running) {
            start_or_wait(entry, kept);
        }
        return tl::unexpected(stored.error());
    }
    entry.spec = std::move(next);
    if (running) {
        run(entry, std::move(*running));
        set_state(entry, StreamState::starting);
    } else {
        set_state(entry, StreamState::waiting_for_port);
    }
    return notify(StreamChange::updated, entry);
}

void StreamService::remove(const Uid& uid, Done<void> done) {
    auto it = std::find_if(streams_.begin(), streams_.end(), [&](const auto& e) { return e->uid == uid; });
    if (it == streams_.end()) {
        done(fail(Errc::not_found, "no stream " + uid.str(), "stream"));
        return;
    }
    // A deleted half of a cross-peer stream is not made again (docs/p2p.md §20.5).
    if (auto st = (*it)->spec && (*it)->spec->other_end ? repository_.remove_keeping_tombstone(uid)
                                                        : repository_.remove(uid);
        !st) {
        done(st);
        return;
    }
    Entry& entry = **it;
    // Answered once its sockets are closed, so that the client may at once
    // create a stream on the same addresses.
    stop(entry, [done] { done({}); });
    release_ports(entry);
    auto last = view_of(entry);
    streams_.erase(it);
    listeners_.notify(StreamChange::removed, last);
}

StreamView StreamService::view_of(const Entry& entry) const {
    StreamView view {entry.uid};
    view.spec = entry.spec;
    if (!entry.spec) {
        view.stored_definition = entry.stored;
    }
    view.state = shown_state(entry);
    view.error = entry.error;
    if (entry.running) {
        view.metrics = measure(*entry.running);
    }
    return view;
}

StreamView StreamService::notify(StreamChange change, const Entry& entry) const {
    // One view for the listeners and the caller: measured twice, the metrics
    // of a running stream would differ between the event and the answer.
    auto view = view_of(entry);
    listeners_.notify(change, view);
    return view;
}

} // namespace rocd::streams
