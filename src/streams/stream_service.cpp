#include "streams/stream_service.h"

#include <algorithm>
#include <cmath>

#include <malloc.h>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "core/uri.h"
#include "transport/endpoint.h"

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

/// What a running stream owns. Destroyed only after the pump let go of it.
struct StreamService::Running {
    std::unique_ptr<drivers::AudioStream> audio;
    std::unique_ptr<transport::Sender> sender;
    std::unique_ptr<transport::Receiver> receiver;
    PumpSlot slot;
};

struct StreamService::Plan {
    ports::Port port;
    transport::SenderConfig sender;
    transport::ReceiverConfig receiver;
};

struct StreamService::Entry {
    explicit Entry(Uid uid) : uid(std::move(uid)) {}
    Uid uid;
    /// Holds a PortService reference to its port (so the port stays listed
    /// and cannot be deleted under the stream).
    bool retained = false;
    /// Set unless the stored spec could not be parsed (then `raw` is shown).
    std::optional<StreamSpec> spec;
    json raw;
    StreamState state = StreamState::starting;
    std::string error;
    std::unique_ptr<Running> running;
    std::uint64_t last_flow = 0;
    Clock::time_point started_at {};
    Clock::time_point last_flow_at {};
};

namespace {

/// The API field path of the port and the address sides of a spec.
std::string port_field(const StreamSpec& spec) {
    return spec.direction == StreamDirection::send ? "source.port_uri" : "destination.port_uri";
}

std::string address_side(const StreamSpec& spec) {
    return spec.direction == StreamDirection::send ? "destination" : "source";
}

/// Renames a transport error's field to the API's path.
Error to_api_error(Error error, const StreamSpec& spec) {
    const std::string side = address_side(spec);
    static const std::pair<const char*, const char*> names[] = {
        {"source", "media_uri"},
        {"repair", "repair_uri"},
        {"control", "control_uri"},
    };
    for (const auto& [from, to] : names) {
        if (error.field == from) {
            error.field = side + "." + to;
            return error;
        }
    }
    static const std::pair<const char*, const char*> settings[] = {
        {"rate", "settings.rate"},
        {"channels", "settings.channels"},
        {"packet_length", "settings.packet_length_ms"},
        {"target_latency", "settings.target_latency_ms"},
        {"latency_tolerance", "settings.latency_tolerance_ms"},
        {"resampler_quality", "settings.resampler_quality"},
        {"fec_source_packets", "settings.fec_block_source_packets"},
        {"fec_repair_packets", "settings.fec_block_repair_packets"},
    };
    for (const auto& [from, to] : settings) {
        if (error.field == from) {
            error.field = to;
            return error;
        }
    }
    return error;
}

transport::Duration ms(double value) {
    return transport::Duration(static_cast<std::int64_t>(std::llround(value * 1e6)));
}

Result<std::optional<transport::Endpoint>> endpoint(const std::optional<std::string>& text,
                                                    transport::Interface iface, const std::string& field) {
    if (!text) {
        return std::optional<transport::Endpoint>();
    }
    auto parsed = transport::parse_endpoint(*text, iface);
    if (!parsed) {
        Error error = parsed.error();
        error.field = field;
        return tl::unexpected(error);
    }
    return std::optional<transport::Endpoint>(*parsed);
}

} // namespace

StreamService::StreamService(boost::asio::io_context& io, ports::PortService& ports,
                             drivers::DeviceDriver& driver, store::StreamRepository& repository,
                             events::EventBus& bus, transport::net::NetworkLoop& loop,
                             StreamServiceOptions options)
    : io_(io), ports_(ports), driver_(driver), repository_(repository), bus_(bus), loop_(loop),
      options_(options), pump_(options.pump_period), timer_(io) {}

StreamService::~StreamService() {
    if (listener_) {
        ports_.remove_listener(*listener_);
    }
    timer_.cancel();
    for (auto& entry : streams_) {
        stop(*entry);
        release_port(*entry);
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
            retain_port(*entry);
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

Result<StreamService::Plan> StreamService::plan(const StreamSpec& spec) const {
    const std::string port_path = port_field(spec);
    auto uri = Uri::parse(spec.port_uri);
    if (!uri || uri->kind() != Uri::Kind::port) {
        return fail(Errc::invalid_argument, "not a port URI: " + spec.port_uri, port_path);
    }
    if (!uri->peer_ref().is_self() && uri->peer_ref().uid() != ports_.self_uid()) {
        return fail(Errc::unsupported, "streams of other peers' ports are not supported yet", port_path);
    }
    auto port = ports_.find(*spec.port_uid);
    if (!port) {
        return fail(Errc::not_found, "no port " + spec.port_uid->str(), port_path);
    }
    const bool send = spec.direction == StreamDirection::send;
    // Capture of an output records its monitor (both drivers offer one);
    // playback needs a device applications record from only if rocd made it.
    if (!send && port->direction == store::PortDirection::input &&
        port->port_type != store::PortType::virtual_device) {
        return fail(Errc::invalid_argument,
                    "port " + port->display_name +
                        " is an input (a microphone): cannot play a stream into it",
                    port_path);
    }

    const std::string side = address_side(spec);
    auto source = endpoint(spec.address.media_uri, transport::Interface::source, side + ".media_uri");
    if (!source) {
        return tl::unexpected(source.error());
    }
    auto repair = endpoint(spec.address.repair_uri, transport::Interface::repair, side + ".repair_uri");
    if (!repair) {
        return tl::unexpected(repair.error());
    }
    auto control = endpoint(spec.address.control_uri, transport::Interface::control, side + ".control_uri");
    if (!control) {
        return tl::unexpected(control.error());
    }

    const auto& s = spec.settings;
    Plan out {.port = *port, .sender = {}, .receiver = {}};
    const std::uint32_t rate = s.rate.value_or(port->rate != 0 ? port->rate : 48000);
    const std::uint32_t channels = s.channels.value_or(port->channels != 0 ? port->channels : 2);
    if (send) {
        auto& config = out.sender;
        config.source = *source;
        config.repair = *repair;
        config.control = *control;
        config.rate = rate;
        config.channels = channels;
        if (s.packet_length_ms) {
            config.packet_length = ms(*s.packet_length_ms);
        }
        if (s.resampler_quality) {
            config.resampler_quality = *s.resampler_quality;
        }
        if (s.fec_block_source_packets) {
            config.fec_source_packets = *s.fec_block_source_packets;
        }
        if (s.fec_block_repair_packets) {
            config.fec_repair_packets = *s.fec_block_repair_packets;
        }
        if (auto st = config.validate(); !st) {
            return tl::unexpected(to_api_error(st.error(), spec));
        }
    } else {
        auto& config = out.receiver;
        config.source = *source;
        config.repair = *repair;
        config.control = *control;
        config.rate = rate;
        config.channels = channels;
        if (s.target_latency_ms) {
            config.target_latency = ms(*s.target_latency_ms);
        }
        if (s.latency_tolerance_ms) {
            config.latency_tolerance = ms(*s.latency_tolerance_ms);
        }
        if (s.resampler_quality) {
            config.resampler_quality = *s.resampler_quality;
        }
        if (auto st = config.validate(); !st) {
            return tl::unexpected(to_api_error(st.error(), spec));
        }
    }
    return out;
}

Result<std::unique_ptr<StreamService::Running>> StreamService::open(const StreamSpec& spec) const {
    auto planned = plan(spec);
    if (!planned) {
        return tl::unexpected(planned.error());
    }
    if (!planned->port.present) {
        return fail(Errc::not_found, "port " + spec.port_uid->str() + " is absent", port_field(spec));
    }
    return open(spec, std::move(*planned));
}

Result<std::unique_ptr<StreamService::Running>> StreamService::open(const StreamSpec& spec, Plan plan) const {
    const bool send = spec.direction == StreamDirection::send;
    // The driver converts to the stream's format, so the pump never resamples.
    drivers::StreamSpec stream_spec;
    stream_spec.device = plan.port.system_name;
    stream_spec.kind = send ? drivers::StreamKind::capture : drivers::StreamKind::playback;
    stream_spec.rate = send ? plan.sender.rate : plan.receiver.rate;
    stream_spec.channels = send ? plan.sender.channels : plan.receiver.channels;
    stream_spec.ring_duration = std::chrono::milliseconds(send ? 200 : 100);
    stream_spec.display_name = "rocd stream";
    auto audio = driver_.open_stream(stream_spec);
    if (!audio) {
        Error error = audio.error();
        error.field = port_field(spec);
        return tl::unexpected(error);
    }
    const auto format = (*audio)->format();

    auto running = std::make_unique<Running>();
    running->audio = std::move(*audio);
    if (send) {
        plan.sender.rate = format.rate;
        plan.sender.channels = format.channels;
        auto sender = transport::Sender::create(plan.sender, loop_);
        if (!sender) {
            return tl::unexpected(to_api_error(sender.error(), spec));
        }
        running->sender = std::move(*sender);
        running->slot.sender = running->sender.get();
    } else {
        plan.receiver.rate = format.rate;
        plan.receiver.channels = format.channels;
        auto receiver = transport::Receiver::create(plan.receiver, loop_);
        if (!receiver) {
            Error error = to_api_error(receiver.error(), spec);
            if (error.code == Errc::unavailable && error.message.find("cannot bind") != std::string::npos) {
                error.code = Errc::conflict;
                error.field = address_side(spec) + ".media_uri";
            }
            return tl::unexpected(error);
        }
        running->receiver = std::move(*receiver);
        running->slot.receiver = running->receiver.get();
    }
    auto& slot = running->slot;
    slot.audio = running->audio.get();
    slot.channels = format.channels;
    // 40 ms per step: more than a pump cycle or a device period brings.
    slot.scratch_frames = std::max<std::size_t>(256, format.rate / 25);
    slot.scratch.assign(slot.scratch_frames * format.channels, 0.0f);
    if (!send) {
        slot.ring_frames = running->audio->available();
        const auto fill = static_cast<std::size_t>(format.rate * options_.playback_fill.count() / 1000);
        slot.target_fill_frames = std::min(fill, slot.ring_frames);
    }
    return running;
}

void StreamService::retain_port(Entry& entry) {
    if (entry.retained || !entry.spec) {
        return;
    }
    entry.retained = static_cast<bool>(ports_.retain(*entry.spec->port_uid));
}

void StreamService::release_port(Entry& entry) {
    if (entry.retained) {
        ports_.release(*entry.spec->port_uid);
        entry.retained = false;
    }
}

void StreamService::run(Entry& entry, std::unique_ptr<Running> running) {
    entry.running = std::move(running);
    entry.last_flow = 0;
    entry.started_at = Clock::now();
    entry.last_flow_at = entry.started_at;
    pump_.attach(&entry.running->slot);
}

void StreamService::stop(Entry& entry) {
    if (!entry.running) {
        return;
    }
    pump_.detach(&entry.running->slot);
    entry.running.reset();
    // A receiver's buffers are megabytes; glibc would otherwise keep the
    // freed heap, and the daemon's RSS would stay at its peak stream count.
    malloc_trim(0);
}

void StreamService::start_or_wait(Entry& entry) {
    auto running = open(*entry.spec);
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
    auto planned = plan(*spec);
    if (!planned) {
        return tl::unexpected(planned.error());
    }
    const bool present = planned->port.present;
    std::unique_ptr<Running> running;
    if (present) {
        auto opened = open(*spec, std::move(*planned));
        if (!opened) {
            return tl::unexpected(opened.error());
        }
        running = std::move(*opened);
    }
    auto entry = std::make_unique<Entry>(Uid::random());
    entry->raw = to_json(*spec);
    entry->spec = std::move(*spec);
    retain_port(*entry);
    if (!entry->retained) {
        return fail(Errc::internal, "cannot keep a reference to port " + entry->spec->port_uid->str());
    }
    auto stored = repository_.insert({entry->uid, entry->raw.dump()});
    if (!stored) {
        release_port(*entry);
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
    auto running = open(next);
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
    release_port(entry);
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
        const std::uint64_t flow =
            r.sender ? r.sender->metrics().packets_sent : r.receiver->metrics().packets_received;
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
        if (!entry->spec || *entry->spec->port_uid != port.uid) {
            continue;
        }
        if (change != ports::PortService::Change::removed) {
            retain_port(*entry); // a restored stream whose port was not listed then
        }
        if (!present && entry->running) {
            stop(*entry);
            set_state(*entry, StreamState::waiting_for_port);
        } else if (present && entry->state == StreamState::waiting_for_port) {
            start_or_wait(*entry);
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
        const auto stats = r.audio->stats();
        metrics["frames"] = r.slot.frames.load(std::memory_order_relaxed);
        metrics["xruns"] = stats.overruns + stats.underruns;
        if (r.sender) {
            metrics["packets_sent"] = r.sender->metrics().packets_sent;
        } else {
            const auto m = r.receiver->metrics();
            metrics["packets_received"] = m.packets_received;
            metrics["packets_lost"] = m.packets_lost;
            metrics["packets_recovered"] = m.packets_recovered;
            metrics["packets_late"] = m.packets_late;
            metrics["sessions"] = m.sessions;
            metrics["latency_ms"] = std::chrono::duration<double, std::milli>(m.latency).count();
            metrics["jitter_ms"] = std::chrono::duration<double, std::milli>(m.jitter).count();
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
