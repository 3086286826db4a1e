#include "streams/stream_opener.h"

#include <algorithm>
#include <cmath>

#include "core/audio_limits.h"
#include "core/uri.h"
#include "streams/stream_fields.h"
#include "transport/config_checks.h"
#include "transport/endpoint.h"

namespace rocd::streams {

namespace {

/// A local stream's receiver binds an ephemeral loopback port; its sender
/// is pointed at whatever port that turned out to be.
constexpr const char* local_bind_uri = "rtp://127.0.0.1:0";

/// A sender's or receiver's failure to open: the transport names the
/// endpoint at fault by its interface (transport/endpoint.h); the API by the
/// address field it came from. A local stream's endpoints are rocd's own.
Error opening_error(Error error, const StreamSpec& spec) {
    const auto iface = transport::interface_named(error.field);
    error.field = iface && spec.direction != StreamDirection::local ? address_field(spec, *iface) : "";
    return error;
}

/// A config that failed validate() after every setting taken from the
/// stream passed its check: rocd filled the rest, so it is rocd's bug.
Error invalid_config(const Error& error) {
    return Error {Errc::internal, "transport settings rejected: " + error.message, {}};
}

transport::core::Duration ms(double value) {
    return transport::core::Duration(static_cast<std::int64_t>(std::llround(value * 1e6)));
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

StreamOpener::StreamOpener(ports::PortService& ports, drivers::DeviceDriver& driver,
                           transport::net::NetworkLoop& loop, HostResolver& resolver,
                           std::chrono::milliseconds playback_fill, std::size_t max_sessions)
    : ports_(ports), driver_(driver), loop_(loop), resolver_(resolver), playback_fill_(playback_fill),
      max_sessions_(max_sessions) {}

Result<Port> StreamOpener::resolve_port(const std::string& text, const Uid& uid,
                                        const std::string& field) const {
    auto uri = Uri::parse(text);
    if (!uri || uri->kind() != Uri::Kind::port) {
        return fail(Errc::invalid_argument, "not a port URI: " + text, field);
    }
    if (!uri->peer_ref().is_self() && uri->peer_ref().uid() != ports_.self_uid()) {
        // Between two peers' ports a stream is a half on each (the API's
        // cross-peer create); anything else runs on this peer's own ports.
        return fail(Errc::unsupported,
                    text + " is another peer's port: a stream with an address uses this peer's ports, and "
                           "one between two peers goes port to port",
                    field);
    }
    auto port = ports_.find(uid);
    if (!port) {
        return fail(Errc::not_found, "no port " + uid.str(), field);
    }
    return *port;
}

Result<StreamPlan> StreamOpener::plan(const StreamSpec& spec) const {
    StreamPlan out;
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
        if (port->direction == PortDirection::input && port->port_type != PortType::virtual_device) {
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
        using transport::Interface;
        auto media =
            endpoint(spec.address.media_uri, Interface::source, address_field(spec, Interface::source));
        if (!media) {
            return tl::unexpected(media.error());
        }
        auto fec =
            endpoint(spec.address.repair_uri, Interface::repair, address_field(spec, Interface::repair));
        if (!fec) {
            return tl::unexpected(fec.error());
        }
        auto rtcp =
            endpoint(spec.address.control_uri, Interface::control, address_field(spec, Interface::control));
        if (!rtcp) {
            return tl::unexpected(rtcp.error());
        }
        source = *media;
        repair = *fec;
        control = *rtcp;
        for (auto [endpoint, iface] :
             {std::pair {&source, Interface::source}, std::pair {&repair, Interface::repair},
              std::pair {&control, Interface::control}}) {
            if (!*endpoint) {
                continue;
            }
            const auto field = address_field(spec, iface);
            auto st = check_stream_address(spec, **endpoint, field);
            if (!st) {
                return tl::unexpected(st.error());
            }
        }
    }

    const auto& s = spec.settings;
    const auto rate_of = [&](const Port& port) {
        return s.rate.value_or(port.rate != 0 ? port.rate : 48000);
    };
    const auto channels_of = [&](const Port& port) {
        return s.channels.value_or(port.channels != 0 ? port.channels : 2);
    };
    // A format the stream took from its port, not from its settings, is
    // reported on the port, with the setting that would fix it.
    const auto check_format = [&](std::uint32_t rate, std::uint32_t channels, const Port& port,
                                  const std::string& port_field) -> Status {
        if (auto st = limits::check_rate(rate, "settings.rate"); !st) {
            return s.rate ? st
                          : fail(Errc::invalid_argument,
                                 "port " + port.display_name + " runs at " + std::to_string(rate) +
                                     " Hz, which a stream cannot carry: set settings.rate",
                                 port_field);
        }
        if (auto st = limits::check_stream_channels(channels, "settings.channels"); !st) {
            return s.channels ? st
                              : fail(Errc::invalid_argument,
                                     "port " + port.display_name + " has " + std::to_string(channels) +
                                         " channels, more than a stream carries (" + st.error().message +
                                         "): set settings.channels",
                                     port_field);
        }
        return {};
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
        // Each value checked as taken, under the field it was given in.
        for (auto st :
             {check_format(config.rate, config.channels, *out.capture, capture_field()),
              transport::check_packet_length(config.packet_length, config.payload_type,
                                             "settings.packet_length_ms"),
              transport::check_fec_block(config.source, config.fec_source_packets, config.fec_repair_packets,
                                         "settings.fec_block_source_packets"),
              transport::check_resampler_quality(config.resampler_quality, "settings.resampler_quality")}) {
            if (!st) {
                return tl::unexpected(st.error());
            }
        }
        if (auto st = config.validate(); !st) {
            return tl::unexpected(invalid_config(st.error()));
        }
    }
    if (out.playback) {
        auto& config = out.receiver;
        config.max_sessions = max_sessions_;
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
        for (auto st :
             {check_format(config.rate, config.channels, *out.playback, playback_field()),
              transport::check_target_latency(config.target_latency, "settings.target_latency_ms"),
              transport::check_latency_tolerance(config.latency_tolerance, "settings.latency_tolerance_ms"),
              transport::check_resampler_quality(config.resampler_quality, "settings.resampler_quality")}) {
            if (!st) {
                return tl::unexpected(st.error());
            }
        }
        if (auto st = config.validate(); !st) {
            return tl::unexpected(invalid_config(st.error()));
        }
    }
    return out;
}

namespace {

/// The pump's view of one side of a running stream.
void prepare_slot(PumpSlot& slot, drivers::DeviceIo& audio, bool playback,
                  std::chrono::milliseconds playback_fill) {
    const auto format = audio.format();
    slot.audio = &audio;
    slot.channels = format.channels;
    // 40 ms per step: more than a pump cycle or a device period brings.
    slot.scratch_frames = std::max<std::size_t>(256, format.rate / 25);
    slot.scratch.assign(slot.scratch_frames * format.channels, 0.0f);
    if (playback) {
        slot.ring_frames = audio.writable_frames();
        const auto fill = static_cast<std::size_t>(format.rate * playback_fill.count() / 1000);
        slot.target_fill_frames = std::min(fill, slot.ring_frames);
    }
}

} // namespace

Result<std::unique_ptr<drivers::DeviceIo>> StreamOpener::open_audio(const Port& port, drivers::IoKind kind,
                                                                    std::uint32_t rate,
                                                                    std::uint32_t channels,
                                                                    const std::string& field) const {
    // The driver converts to the stream's format, so the pump never resamples.
    drivers::DeviceIoSpec stream_spec;
    stream_spec.device = port.system_name;
    stream_spec.kind = kind;
    stream_spec.rate = rate;
    stream_spec.channels = channels;
    stream_spec.ring_duration = std::chrono::milliseconds(kind == drivers::IoKind::capture ? 200 : 100);
    stream_spec.display_name = "rocd stream";
    auto audio = driver_.open_io(stream_spec);
    if (!audio) {
        Error error = audio.error();
        error.field = field;
        return tl::unexpected(error);
    }
    return std::move(*audio);
}

AddressSpec bound_endpoints(const AddressSpec& asked, const transport::Receiver& receiver) {
    const auto bound = [](const std::string& uri, const transport::address::SocketAddress* at) {
        const auto scheme_end = uri.find("://");
        return at != nullptr && scheme_end != std::string::npos
                   ? uri.substr(0, scheme_end) + "://" + at->str()
                   : uri;
    };
    AddressSpec out = asked;
    out.media_uri = bound(asked.media_uri, &receiver.local_address());
    if (asked.repair_uri) {
        out.repair_uri = bound(*asked.repair_uri, receiver.repair_address());
    }
    if (asked.control_uri) {
        out.control_uri = bound(*asked.control_uri, receiver.control_address());
    }
    return out;
}

Result<std::unique_ptr<RunningStream>> StreamOpener::open_resolved(const StreamSpec& spec, StreamPlan plan,
                                                                   transport::ReceiverSockets kept) const {
    auto running = std::make_unique<RunningStream>();
    // The receiving side first: a local stream's sender needs its address.
    if (plan.playback) {
        auto audio = open_audio(*plan.playback, drivers::IoKind::playback, plan.receiver.rate,
                                plan.receiver.channels, playback_field());
        if (!audio) {
            return tl::unexpected(audio.error());
        }
        running->playback = std::move(*audio);
        const auto format = running->playback->format();
        plan.receiver.rate = format.rate;
        plan.receiver.channels = format.channels;
        auto receiver = transport::Receiver::create(plan.receiver, loop_, std::move(kept));
        if (!receiver) {
            return tl::unexpected(opening_error(receiver.error(), spec));
        }
        running->receiver = std::move(*receiver);
        running->receive_slot.receiver = running->receiver.get();
        prepare_slot(running->receive_slot, *running->playback, true, playback_fill_);
    }
    if (plan.capture) {
        if (spec.direction == StreamDirection::local) {
            const auto bound = running->receiver->local_address().port();
            plan.sender.source = *transport::parse_endpoint("rtp://127.0.0.1:" + std::to_string(bound),
                                                            transport::Interface::source);
        }
        auto audio = open_audio(*plan.capture, drivers::IoKind::capture, plan.sender.rate,
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
            return tl::unexpected(opening_error(sender.error(), spec));
        }
        running->sender = std::move(*sender);
        running->send_slot.sender = running->sender.get();
        prepare_slot(running->send_slot, *running->capture, false, playback_fill_);
    }
    return running;
}

} // namespace rocd::streams
