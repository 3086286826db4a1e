// Persistent ports: the audio devices of peers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/uid.h"
#include "store/timestamp.h"

namespace rocd::store {

class Database;

/// Where a port comes from.
enum class PortType {
    system_device,  ///< found through the driver (a sink or source)
    virtual_device, ///< created by rocd (a virtual speaker or microphone)
};

/// Which way audio flows through a port, seen from the applications.
enum class PortDirection {
    output, ///< a sink / speaker: audio is played into it
    input,  ///< a source / microphone: audio is recorded from it
    duplex, ///< both
};

/// API and database spelling: "system_device", "virtual_device".
std::string_view to_string(PortType type);
/// API and database spelling: "output", "input", "duplex".
std::string_view to_string(PortDirection direction);
/// Errc::invalid_argument (field "port_type") for an unknown name.
Result<PortType> parse_port_type(std::string_view text);
/// Errc::invalid_argument (field "direction") for an unknown name.
Result<PortDirection> parse_port_direction(std::string_view text);

/// A row of the ports table.
struct PortRecord {
    Uid uid;
    /// The peer the device belongs to; fixed at insert.
    Uid peer_uid;
    PortType port_type = PortType::system_device;
    PortDirection direction = PortDirection::output;
    /// The driver that owns the device ("pipewire", "mock").
    std::string driver;
    /// The driver's stable name of the device (a PipeWire node.name).
    std::string system_name;
    std::string display_name;
    std::uint32_t channels = 0;
    /// Sample rate in Hz.
    std::uint32_t rate = 0;
    /// Linear gain, 1.0 = unchanged.
    double volume = 1.0;
    bool mute = false;
    /// Set by the repository; ignored on input.
    Timestamp created_at {};
    Timestamp updated_at {};
};

/// Typed access to the ports table. Every mutating call is committed (and on
/// disk) when it returns, unless the caller wraps it in a Transaction.
class PortRepository {
public:
    PortRepository(Database& db, Clock clock) : db_(&db), clock_(std::move(clock)) {}

    /// Errc::not_found if no port has `uid`.
    Result<PortRecord> get(const Uid& uid);

    /// All ports, oldest first.
    Result<std::vector<PortRecord>> list();

    /// The ports of one peer, oldest first (empty for an unknown peer).
    Result<std::vector<PortRecord>> list_by_peer(const Uid& peer_uid);

    /// Adds a port; returns the stored row. Errc::conflict if the uid is
    /// taken, Errc::not_found (field "peer_uid") if the peer does not exist,
    /// Errc::invalid_argument if channels or rate is 0 or volume negative.
    Result<PortRecord> insert(const PortRecord& port);

    /// Replaces every field of the port with `port.uid` except peer_uid and
    /// created_at; returns the stored row. Errc::not_found if absent.
    Result<PortRecord> update(const PortRecord& port);

    /// Errc::not_found if absent.
    Status remove(const Uid& uid);

private:
    Database* db_;
    Clock clock_;
};

} // namespace rocd::store
