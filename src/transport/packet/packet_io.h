// The two interfaces every packet stage implements: a sender pipeline is a
// chain of writers, a receiver pipeline a chain of readers.
#pragma once

#include "transport/packet/packet.h"

namespace rocd::transport {

/// Accepts packets, one at a time, in the order they should go out.
class IPacketWriter {
public:
    virtual ~IPacketWriter() = default;
    /// Takes the packet; a stage may complete it in place (address, FEC
    /// footer) before passing it on. Never blocks.
    virtual void write(Packet& packet) = 0;
};

/// Yields packets until it has none right now.
class IPacketReader {
public:
    virtual ~IPacketReader() = default;
    /// Fills `packet` and returns true, or returns false when empty; never blocks.
    virtual bool read(Packet& packet) = 0;
};

/// Recognises a datagram: fills the parsed fields and flags of a packet
/// whose data/size hold the datagram. Returns false for anything malformed.
class IPacketParser {
public:
    virtual ~IPacketParser() = default;
    virtual bool parse(Packet& packet) const = 0;
};

} // namespace rocd::transport
