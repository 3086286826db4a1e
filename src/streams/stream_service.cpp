#include "streams/stream_service.h"

#include <algorithm>

#include <malloc.h>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "core/uri.h"

namespace rocd::streams {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const char* state_name(StreamState state) {
    switch (state) {
    case StreamState::starting:
        return "starting";
    case StreamState::active:
        return "active";
    case StreamState::idle:
        return "idle";
    case StreamState::waiting_for_port:
        return "waiting_for_port";
    case StreamState::error:
        break;
    }
    return "error";
}

namespace {

double ms_of(transport::Duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

} // namespace

struct StreamService::Entry {
    explicit Entry(Uid uid) : uid(std::move(uid)) {}
    Uid uid;
    /// PortService references held on the stream's ports (so they stay
    /// listed and cannot be deleted under the stream).
    std::vector<Uid> retained;
    /// Set unless the stored spec could not be parsed (then `raw` is shown).
    std::optional<StreamSpec> spec;
    json raw;
    StreamState state = StreamState::starting;
    std::string error;
    std::unique_ptr<RunningStream> running;
    std::uint64_t last_flow = 0;
    Clock::time_point started_at {};
    Clock::time_point last_flow_at {};
};

StreamService::StreamService(boost::asio::io_context& io, ports::PortService& ports,
                             drivers::DeviceDriver& driver, store::StreamRepository& repository,
                             events::EventBus& bus, transport::net::NetworkLoop& loop,
                             StreamServiceOptions options)
    : io_(io), ports_(ports), repository_(repository), bus_(bus), options_(options),
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
        [this](ports::PortService::Change change, const ports::Port& port) { on_port_change(change, port); });
    auto records = repository_.list();
    if (!records) {
        return tl::unexpected(records.error());
    }
    for (const auto& record : *records) {
        auto entry = std::make_unique<Entry>(record.uid);
        entry->raw = json::parse(record.spec, nullptr, false);
        auto spec = parse_stream_spec(entry->raw);
        if (!spec) {
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
    bus_.publish(events::type::stream_state_changed, Uri::stream(entry.uid).str(), json_of(entry));
}

Result<json> StreamService::create(const json& body) {
    auto spec = parse_stream_spec(body);
    if (!spec) {
        return tl::unexpected(spec.error());
    }
    auto planned = opener_.plan(*spec);
    if (!planned) {
        return tl::unexpected(planned.error());
    }
    std::unique_ptr<RunningStream> running;
    if (planned->present()) {
        auto opened = opener_.open(*spec, std::move(*planned));
        if (!opened) {
            return tl::unexpected(opened.error());
        }
        running = std::move(*opened);
    }
    auto entry = std::make_unique<Entry>(Uid::random());
    entry->raw = to_json(*spec);
    entry->spec = std::move(*spec);
    retain_ports(*entry);
    if (entry->retained.size() != port_uids(*entry->spec).size()) {
        release_ports(*entry);
        return fail(Errc::internal, "cannot keep a reference to the stream's ports");
    }
    auto stored = repository_.insert({entry->uid, entry->raw.dump()});
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
    auto out = json_of(*streams_.back());
    bus_.publish(events::type::stream_added, Uri::stream(streams_.back()->uid).str(), out);
    return out;
}

StreamService::Entry* StreamService::find(const Uid& uid) const {
    for (const auto& entry : streams_) {
        if (entry->uid == uid) {
            return entry.get();
        }
    }
    return nullptr;
}

Result<json> StreamService::get(const Uid& uid) const {
    const Entry* entry = find(uid);
    if (entry == nullptr) {
        return fail(Errc::not_found, "no stream " + uid.str(), "stream");
    }
    return json_of(*entry);
}

std::vector<json> StreamService::list() const {
    std::vector<json> out;
    out.reserve(streams_.size());
    for (const auto& entry : streams_) {
        out.push_back(json_of(*entry));
    }
    return out;
}

Result<json> StreamService::update(const Uid& uid, const json& body) {
    Entry* entry = find(uid);
    if (entry == nullptr) {
        return fail(Errc::not_found, "no stream " + uid.str(), "stream");
    }
    if (!body.is_object() || body.empty()) {
        return fail(Errc::invalid_argument, "nothing to change: the body has no field");
    }
    for (const auto& [key, value] : body.items()) {
        if (key != "settings") {
            return fail(Errc::invalid_argument,
                        "unknown field '" + key +
                            "' (only settings can be changed; delete and re-create "
                            "the stream to change its source or destination)",
                        key);
        }
    }
    if (!entry->spec) {
        return fail(Errc::conflict, "the stream's stored definition is invalid; delete it", "settings");
    }
    StreamSpec next = *entry->spec;
    if (auto st = merge_settings(next.settings, body.at("settings")); !st) {
        return tl::unexpected(st.error());
    }
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
    if (auto stored = repository_.update({entry->uid, to_json(next).dump()}); !stored) {
        running = tl::unexpected(stored.error()); // closes the new transport
        if (was_running) {
            start_or_wait(*entry);
        }
        return tl::unexpected(stored.error());
    }
    entry->spec = std::move(next);
    entry->raw = to_json(*entry->spec);
    if (running) {
        run(*entry, std::move(*running));
        set_state(*entry, StreamState::starting);
    } else {
        set_state(*entry, StreamState::waiting_for_port);
    }
    auto out = json_of(*entry);
    bus_.publish(events::type::stream_updated, Uri::stream(entry->uid).str(), out);
    return out;
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
    auto last = json_of(entry);
    const std::string uri = Uri::stream(uid).str();
    streams_.erase(it);
    bus_.publish(events::type::stream_removed, uri, std::move(last));
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

void StreamService::on_port_change(ports::PortService::Change change, const ports::Port& port) {
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

json StreamService::json_of(const Entry& entry) const {
    json out = entry.raw.is_object() ? entry.raw : json::object();
    if (entry.spec) {
        out["direction"] = direction_name(entry.spec->direction);
    }
    out["stream_uri"] = Uri::stream(entry.uid).str();
    out["stream_uid"] = entry.uid.str();
    out["state"] = state_name(entry.state);
    if (entry.state == StreamState::error) {
        out["error"] = entry.error;
    }
    json metrics {
        {"frames", 0},
        {"packets_sent", 0},
        {"packets_received", 0},
        {"packets_lost", 0},
        {"packets_recovered", 0},
        {"packets_late", 0},
        {"sessions", 0},
        {"latency_ms", 0.0},
        {"jitter_ms", 0.0},
        {"scaling", 1.0},
        {"xruns", 0},
    };
    if (entry.running) {
        const auto& r = *entry.running;
        std::uint64_t xruns = 0;
        for (const auto* audio : {r.capture.get(), r.playback.get()}) {
            if (audio != nullptr) {
                const auto stats = audio->stats();
                xruns += stats.overruns + stats.underruns;
            }
        }
        metrics["xruns"] = xruns;
        // Frames played, for streams that receive; frames captured otherwise.
        metrics["frames"] =
            (r.receiver ? r.receive_slot : r.send_slot).frames.load(std::memory_order_relaxed);
        if (r.sender) {
            const auto m = r.sender->metrics();
            metrics["packets_sent"] = m.packets_sent;
            // A send stream with a control address learns the far end's
            // view over RTCP; a local one reads its own receiver below.
            if (!r.receiver && m.have_receiver_report) {
                metrics["packets_lost"] = std::max<std::int64_t>(0, m.cumulative_lost);
                metrics["jitter_ms"] = ms_of(m.jitter);
                if (m.niq_latency.count() >= 0) {
                    metrics["latency_ms"] = ms_of(m.niq_latency);
                }
            }
            if (m.rtt.count() >= 0) {
                metrics["rtt_ms"] = ms_of(m.rtt);
            }
        }
        if (r.receiver) {
            const auto m = r.receiver->metrics();
            metrics["packets_received"] = m.packets_received;
            metrics["packets_lost"] = m.packets_lost;
            metrics["packets_recovered"] = m.packets_recovered;
            metrics["packets_late"] = m.packets_late;
            metrics["sessions"] = m.sessions;
            metrics["latency_ms"] = ms_of(m.latency);
            metrics["jitter_ms"] = ms_of(m.jitter);
            metrics["scaling"] = m.scaling;
        }
    }
    out["metrics"] = std::move(metrics);
    return out;
}

std::vector<events::Snapshot> StreamService::snapshot() const {
    std::vector<events::Snapshot> out;
    for (const auto& entry : streams_) {
        out.push_back({"stream", Uri::stream(entry->uid).str(), json_of(*entry)});
    }
    return out;
}

} // namespace rocd::streams
