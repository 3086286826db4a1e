// Turns a stream's definition into running parts: resolves its ports
// through the port service, checks addresses and settings against the
// transport, then opens the device streams and the sender / receiver and
// prepares the audio pump's slots. Nothing here keeps state between calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "drivers/device_driver.h"
#include "ports/port_service.h"
#include "streams/audio_pump.h"
#include "streams/host_resolver.h"
#include "streams/stream_spec.h"
#include "transport/net/network_loop.h"
#include "transport/receiver.h"
#include "transport/sender.h"

namespace rocd::streams {

/// What a running stream owns: a capture side (device capture -> sender),
/// a playback side (receiver -> device playback), or both (local). Destroyed
/// only after the pump let go of its slots.
struct RunningStream {
    std::unique_ptr<drivers::DeviceIo> capture;
    std::unique_ptr<transport::Sender> sender;
    PumpSlot send_slot;
    std::unique_ptr<drivers::DeviceIo> playback;
    std::unique_ptr<transport::Receiver> receiver;
    PumpSlot receive_slot;
};

/// A spec checked against the ports and the transport, before anything opens.
struct StreamPlan {
    /// The captured port (send, local).
    std::optional<Port> capture;
    /// The port played into (receive, local).
    std::optional<Port> playback;
    transport::SenderConfig sender;
    transport::ReceiverConfig receiver;

    bool present() const { return (!capture || capture->present) && (!playback || playback->present); }
};

/// A receiver's endpoints as bound: port 0 in `asked` replaced by the port
/// the kernel gave.
AddressSpec bound_endpoints(const AddressSpec& asked, const transport::Receiver& receiver);

class StreamOpener {
public:
    /// `playback_fill`: how full the pump keeps a playback ring;
    /// `max_sessions`: senders a receiving stream plays at once.
    StreamOpener(ports::PortService& ports, drivers::DeviceDriver& driver, transport::net::NetworkLoop& loop,
                 HostResolver& resolver, std::chrono::milliseconds playback_fill, std::size_t max_sessions);

    /// Everything about a spec that can be checked without opening anything:
    /// the ports (listed, right direction), addresses, transport settings.
    /// Errors name the API field.
    Result<StreamPlan> plan(const StreamSpec& spec) const;
    /// Resolves the host names in the plan's addresses (off the control
    /// thread, within the resolver's deadline; errors name the address
    /// field), then opens the device streams and the transport of a plan
    /// whose ports are present; on failure whatever was opened is closed
    /// again. Without names, `done` runs inside this call. The receiver
    /// takes the sockets in `kept` that serve its addresses (a stream
    /// reopened with new settings keeps its ports).
    void open(const StreamSpec& spec, StreamPlan plan, Done<std::unique_ptr<RunningStream>> done,
              std::shared_ptr<transport::ReceiverSockets> kept = {}) const;
    /// plan() + open(); Errc::not_found when a port is absent.
    void open(const StreamSpec& spec, Done<std::unique_ptr<RunningStream>> done,
              std::shared_ptr<transport::ReceiverSockets> kept = {}) const;

private:
    Result<std::unique_ptr<RunningStream>> open_resolved(const StreamSpec& spec, StreamPlan plan,
                                                         transport::ReceiverSockets kept) const;
    /// A listed port of this peer, by the spec's URI text and uid.
    Result<Port> resolve_port(const std::string& text, const Uid& uid, const std::string& field) const;
    Result<std::unique_ptr<drivers::DeviceIo>> open_audio(const Port& port, drivers::IoKind kind,
                                                          std::uint32_t rate, std::uint32_t channels,
                                                          const std::string& field) const;

    ports::PortService& ports_;
    drivers::DeviceDriver& driver_;
    transport::net::NetworkLoop& loop_;
    HostResolver& resolver_;
    const std::chrono::milliseconds playback_fill_;
    const std::size_t max_sessions_;
};

} // namespace rocd::streams
