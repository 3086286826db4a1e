// Roc endpoint URIs: rtp://, rtp+rs8m://, rs8m://, rtp+ldpc://, ldpc://, rtcp://.
#pragma once

#include <optional>
#include <string_view>

#include "core/error.h"
#include "core/uri.h"
#include "transport/address/socket_address.h"

namespace rocd::transport {

/// The protocol an endpoint URI names (WIRE.md §1).
enum class Protocol {
    rtp,      ///< bare RTP source packets
    rtp_rs8m, ///< RTP source packets with an RS8M footer
    rs8m,     ///< RS8M repair packets
    rtp_ldpc, ///< RTP source packets with an LDPC footer
    ldpc,     ///< LDPC repair packets
    rtcp,     ///< control
};

/// Which interface of a sender/receiver an endpoint is for.
enum class Interface { source, repair, control };

/// "source", "repair", "control": the field a sender's or receiver's error
/// names when an endpoint is at fault (a bad URI, an address that cannot
/// be bound or resolved), so that a caller maps it back to its own input.
const char* interface_name(Interface i);
std::optional<Interface> interface_named(std::string_view name);

/// A parsed endpoint: what to speak, where.
struct Endpoint {
    Protocol protocol = Protocol::rtp;
    Uri uri;
};

/// URI scheme of a protocol ("rtp+rs8m").
const char* protocol_scheme(Protocol p);
/// The interface a protocol belongs to.
Interface protocol_interface(Protocol p);
/// Size of the FEC footer a source protocol appends to RTP (0 for rtp).
std::size_t protocol_footer_size(Protocol p);

/// Parses an endpoint URI and checks that its scheme fits `iface`. The
/// error names the URI and what is wrong with it. A host that is all
/// numeric but not a dotted quad (`1.2.3`, `2130706433`, `0x7f.0.0.1`) is
/// refused: resolvers read such legacy forms in surprising ways.
Result<Endpoint> parse_endpoint(std::string_view text, Interface iface);

/// True when the endpoint's host is a numeric address, false for a name
/// that must be resolved first (senders and receivers take numeric hosts).
bool has_numeric_host(const Endpoint& endpoint);

/// The endpoint with its host replaced by `address` (its port is kept).
Endpoint with_address(const Endpoint& endpoint, const address::SocketAddress& address);

} // namespace rocd::transport
