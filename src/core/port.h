// A port: one audio device of a peer, as every layer names it. The store
// keeps it, the driver reports its device half, the API shows it; adding a
// field means this struct, its store columns and its JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/uid.h"

namespace rocd {

/// Where a port comes from.
enum class PortType {
    system_device,  ///< found through the driver (a sink or source)
    virtual_device, ///< created by rocd (a virtual speaker or microphone)
};

/// Which way audio flows through a port, seen from the applications.
enum class PortDirection {
    output, ///< a sink / speaker: audio is played into it
    input,  ///< a source / microphone: audio is recorded from it
    duplex, ///< both (PipeWire's Audio/Duplex)
};

/// API and database spelling: "system_device", "virtual_device".
std::string_view to_string(PortType type);
/// API and database spelling: "output", "input", "duplex".
std::string_view to_string(PortDirection direction);
/// Errc::invalid_argument (field "port_type") for an unknown name.
Result<PortType> parse_port_type(std::string_view text);
/// Errc::invalid_argument (field "direction") for an unknown name.
Result<PortDirection> parse_port_direction(std::string_view text);

struct Port {
    Uid uid;
    /// The peer the device belongs to.
    Uid peer_uid;
    PortType port_type = PortType::system_device;
    PortDirection direction = PortDirection::output;
    /// The driver that owns the device ("pipewire", "mock").
    std::string driver;
    /// The driver's stable device name (a PipeWire node.name); what the
    /// driver's open_io() takes.
    std::string system_name;
    std::string display_name;
    std::uint32_t channels = 0;
    /// Sample rate in Hz.
    std::uint32_t rate = 0;
    /// Linear gain, 1.0 = unchanged.
    double volume = 1.0;
    bool mute = false;
    /// Whether the driver lists the device now. Not stored: an absent port
    /// is known from the store only (its settings or a reference kept it).
    bool present = false;

    bool operator==(const Port&) const = default;
};

} // namespace rocd
