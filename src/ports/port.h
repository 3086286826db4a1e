// A port as the control plane sees it: a device of the driver merged with
// its persisted settings.
#pragma once

#include <cstdint>
#include <string>

#include "core/uid.h"
#include "store/port_repository.h"

namespace rocd::ports {

/// One port of this daemon. `present` says whether the driver lists the
/// device now; an absent port is known from the store only (its settings or
/// a reference kept it).
struct Port {
    Uid uid;
    Uid peer_uid;
    store::PortType port_type = store::PortType::system_device;
    store::PortDirection direction = store::PortDirection::output;
    /// The driver that owns the device ("pipewire", "mock").
    std::string driver;
    /// The driver's stable device name (PipeWire node.name); what
    /// DeviceDriver::open_stream() takes.
    std::string system_name;
    std::string display_name;
    std::uint32_t channels = 0;
    std::uint32_t rate = 0;
    double volume = 1.0;
    bool mute = false;
    bool present = false;

    bool operator==(const Port&) const = default;
};

/// What the streams service needs to know about a port (same struct: every
/// field is cheap and useful there).
using PortView = Port;

/// Limits of a virtual device (POST).
inline constexpr std::uint32_t min_channels = 1;
inline constexpr std::uint32_t max_channels = 32;
inline constexpr std::uint32_t min_rate = 8000;
inline constexpr std::uint32_t max_rate = 192000;
/// Linear gain limits (PATCH volume).
inline constexpr double max_volume = 4.0;

/// The driver's device name of a new virtual device: stable, unique, and
/// recognisable as rocd's ("rocd_virtual_ab12cd_...").
std::string virtual_device_name(const Uid& seed);

} // namespace rocd::ports
