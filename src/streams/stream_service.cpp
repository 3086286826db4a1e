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

/// What a running stream owns: a capture side (device capture -> sender),
/// a playback side (receiver -> device playback), or both (local). Destroyed
/// only after the pump let go of its slots.
struct StreamService::Running {
    std::unique_ptr<drivers::AudioStream> capture;
    std::unique_ptr<transport::Sender> sender;
    PumpSlot send_slot;
    std::unique_ptr<drivers::AudioStream> playback;
    std::unique_ptr<transport::Receiver> receiver;
    PumpSlot receive_slot;
};

/// A spec checked against the ports and the transport, before anything opens.
struct StreamService::Plan {
    /// The captured port (send, local).
    std::optional<ports::Port> capture;
    /// The port played into (receive, local).
    std::optional<ports::Port> playback;
    transport::SenderConfig sender;
    transport::ReceiverConfig receiver;

    bool present() const { return (!capture || capture->present) && (!playback || playback->present); }
};

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
    std::unique_ptr<Running> running;
    std::uint64_t last_flow = 0;
    Clock::time_point started_at {};
    Clock::time_point last_flow_at {};
};

namespace {

bool sends(const StreamSpec& spec) {
    return spec.direction != StreamDirection::receive;
}

bool receives(const StreamSpec& spec) {
    return spec.direction != StreamDirection::send;
}

/// The API field paths of the captured port, the played port and the
/// address side of a spec.
std::string capture_field() {
    return "source.port_uri";
}

std::string playback_field() {
    return "destination.port_uri";
}

std::string address_side(const StreamSpec& spec) {
    return spec.direction == StreamDirection::send ? "destination" : "source";
}

/// The port uids a spec refers to.
std::vector<Uid> port_uids(const StreamSpec& spec) {
    std::vector<Uid> out {*spec.port_uid};
    if (spec.playback_port_uid) {
        out.push_back(*spec.playback_port_uid);
    }
    return out;
}

/// A local stream's receiver binds an ephemeral loopback port; its sender
/// is pointed at whatever port that turned out to be.
constexpr const char* local_bind_uri = "rtp://127.0.0.1:0";

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

Result<ports::Port> StreamService::resolve_port(const std::string& text, const Uid& uid,
                                                const std::string& field) const {
    auto uri = Uri::parse(text);
    if (!uri || uri->kind() != Uri::Kind::port) {
        return fail(Errc::invalid_argument, "not a port URI: " + text, field);
    }
    if (!uri->peer_ref().is_self() && uri->peer_ref().uid() != ports_.self_uid()) {
        return fail(Errc::unsupported, "streams of other peers' ports are not supported yet", field);
    }
    auto port = ports_.find(uid);
    if (!port) {
        return fail(Errc::not_found, "no port " + uid.str(), field);
    }
    return *port;
}

Result<StreamService::Plan> StreamService::plan(const StreamSpec& spec) const {
    Plan out;
    if (sends(spec)) {
        auto port = resolve_port(spec.port_uri, *spec.port_uid, capture_field());
        if (!port) {
            return tl::unexpected(port.error());
        }
        // Capture of an output records its monitor (both drivers offer one).
        out.capture = *port;
    }
    if (receives(spec)) {
        const bool local = spec.direction == StreamDirection::local;
        auto port = local ? resolve_port(spec.playback_port_uri, *spec.playback_port_uid, playback_field())
                          : resolve_port(spec.port_uri, *spec.port_uid, playback_field());
        if (!port) {
            return tl::unexpected(port.error());
        }
        // Playback needs a device applications record from: an output, or
        // a virtual microphone rocd made.
        if (port->direction == store::PortDirection::input &&
            port->port_type != store::PortType::virtual_device) {
            return fail(Errc::invalid_argument,
                        "port " + port->display_name +
                            " is an input (a microphone): cannot play a stream into it",
                        playback_field());
        }
        out.playback = *port;
    }

    std::optional<transport::Endpoint> source, repair, control;
    if (spec.direction == StreamDirection::local) {
        source = *transport::parse_endpoint(local_bind_uri, transport::Interface::source);
    } else {
        const std::string side = address_side(spec);
        auto media = endpoint(spec.address.media_uri, transport::Interface::source, side + ".media_uri");
        if (!media) {
            return tl::unexpected(media.error());
        }
        auto fec = endpoint(spec.address.repair_uri, transport::Interface::repair, side + ".repair_uri");
        if (!fec) {
            return tl::unexpected(fec.error());
        }
        auto rtcp = endpoint(spec.address.control_uri, transport::Interface::control, side + ".control_uri");
        if (!rtcp) {
            return tl::unexpected(rtcp.error());
        }
        source = *media;
        repair = *fec;
        control = *rtcp;
    }

    const auto& s = spec.settings;
    const auto rate_of = [&](const ports::Port& port) {
        return s.rate.value_or(port.rate != 0 ? port.rate : 48000);
    };
    const auto channels_of = [&](const ports::Port& port) {
        return s.channels.value_or(port.channels != 0 ? port.channels : 2);
    };
    if (out.capture) {
        auto& config = out.sender;
        config.source = source; // a local stream's is set once its receiver is bound
        config.repair = repair;
        config.control = control;
        config.rate = rate_of(*out.capture);
        config.channels = channels_of(*out.capture);
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
    }
    if (out.playback) {
        auto& config = out.receiver;
        config.source = source;
        config.repair = repair;
        config.control = control;
        config.rate = rate_of(*out.playback);
        config.channels = channels_of(*out.playback);
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
    if (!planned->present()) {
        return fail(Errc::not_found, "a port of the stream is absent",
                    planned->capture && !planned->capture->present ? capture_field() : playback_field());
    }
    return open(spec, std::move(*planned));
}

namespace {

/// The pump's view of one side of a running stream.
void prepare_slot(PumpSlot& slot, drivers::AudioStream& audio, bool playback,
                  std::chrono::milliseconds playback_fill) {
    const auto format = audio.format();
    slot.audio = &audio;
    slot.channels = format.channels;
    // 40 ms per step: more than a pump cycle or a device period brings.
    slot.scratch_frames = std::max<std::size_t>(256, format.rate / 25);
    slot.scratch.assign(slot.scratch_frames * format.channels, 0.0f);
    if (playback) {
        slot.ring_frames = audio.available();
        const auto fill = static_cast<std::size_t>(format.rate * playback_fill.count() / 1000);
        slot.target_fill_frames = std::min(fill, slot.ring_frames);
    }
}

} // namespace

Result<std::unique_ptr<drivers::AudioStream>>
StreamService::open_audio(const ports::Port& port, drivers::StreamKind kind, std::uint32_t rate,
                          std::uint32_t channels, const std::string& field) const {
    // The driver converts to the stream's format, so the pump never resamples.
    drivers::StreamSpec stream_spec;
    stream_spec.device = port.system_name;
    stream_spec.kind = kind;
    stream_spec.rate = rate;
    stream_spec.channels = channels;
    stream_spec.ring_duration = std::chrono::milliseconds(kind == drivers::StreamKind::capture ? 200 : 100);
    stream_spec.display_name = "rocd stream";
    auto audio = driver_.open_stream(stream_spec);
    if (!audio) {
        Error error = audio.error();
        error.field = field;
        return tl::unexpected(error);
    }
    return std::move(*audio);
}

Result<std::unique_ptr<StreamService::Running>> StreamService::open(const StreamSpec& spec, Plan plan) const {
    auto running = std::make_unique<Running>();
    // The receiving side first: a local stream's sender needs its address.
    if (plan.playback) {
        auto audio = open_audio(*plan.playback, drivers::StreamKind::playback, plan.receiver.rate,
                                plan.receiver.channels, playback_field());
        if (!audio) {
            return tl::unexpected(audio.error());
        }
        running->playback = std::move(*audio);
        const auto format = running->playback->format();
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
        running->receive_slot.receiver = running->receiver.get();
        prepare_slot(running->receive_slot, *running->playback, true, options_.playback_fill);
    }
    if (plan.capture) {
        if (spec.direction == StreamDirection::local) {
            const auto bound = running->receiver->local_address().port();
            plan.sender.source = *transport::parse_endpoint("rtp://127.0.0.1:" + std::to_string(bound),
                                                            transport::Interface::source);
        }
        auto audio = open_audio(*plan.capture, drivers::StreamKind::capture, plan.sender.rate,
                                plan.sender.channels, capture_field());
        if (!audio) {
            return tl::unexpected(audio.error());
        }
        running->capture = std::move(*audio);
        const auto format = running->capture->format();
        plan.sender.rate = format.rate;
        plan.sender.channels = format.channels;
        auto sender = transport::Sender::create(plan.sender, loop_);
        if (!sender) {
            return tl::unexpected(to_api_error(sender.error(), spec));
        }
        running->sender = std::move(*sender);
        running->send_slot.sender = running->sender.get();
        prepare_slot(running->send_slot, *running->capture, false, options_.playback_fill);
    }
    return running;
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

void StreamService::run(Entry& entry, std::unique_ptr<Running> running) {
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
    std::unique_ptr<Running> running;
    if (planned->present()) {
        auto opened = open(*spec, std::move(*planned));
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
            metrics["packets_sent"] = r.sender->metrics().packets_sent;
        }
        if (r.receiver) {
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
