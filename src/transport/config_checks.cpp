#include "transport/config_checks.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "transport/fec/block_writer.h"
#include "transport/fec/fec_scheme.h"
#include "transport/packet/packet.h"
#include "transport/rtp/composer.h"
#include "transport/rtp/encoding.h"

namespace rocd::transport {

Status check_packet_length(core::Duration length, std::uint8_t payload_type, const std::string& field) {
    const auto enc = rtp::find_encoding(payload_type);
    if (!enc) {
        return fail(Errc::unsupported, "unsupported payload type " + std::to_string(payload_type),
                    "payload_type");
    }
    // A second of audio never fits; checked first so the sample count cannot overflow.
    const bool in_range = length.count() > 0 && length <= std::chrono::seconds(1);
    const std::size_t samples = in_range ? core::duration_to_samples(length, enc->sample_rate) : 0;
    // Leave room for a FEC footer within the packet limit.
    if (samples == 0 || rtp::Composer::HeaderSize + samples * enc->frame_size() + 16 > MaxPacketSize) {
        return fail(Errc::invalid_argument, field + " gives an empty or oversized packet", field);
    }
    return {};
}

Status check_fec_block(const std::optional<Endpoint>& source, std::size_t source_packets,
                       std::size_t repair_packets, const std::string& field) {
    if (!source) {
        return {};
    }
    const auto scheme = fec::fec_scheme_from_uri_scheme(protocol_scheme(source->protocol));
    if (scheme && !fec::BlockWriter::valid_block_size(*scheme, source_packets, repair_packets)) {
        return fail(Errc::invalid_argument,
                    *scheme == fec::FecScheme::rs8m
                        ? "FEC block must have nbsrc >= 1, nbrpr >= 1 and nbsrc + nbrpr <= 255"
                        : "LDPC block must have nbsrc >= 2, nbrpr >= 7 and nbsrc + nbrpr <= 255",
                    field);
    }
    return {};
}

Status check_resampler_quality(int quality, const std::string& field) {
    if (quality < min_resampler_quality || quality > max_resampler_quality) {
        return fail(Errc::invalid_argument,
                    field + " must be " + std::to_string(min_resampler_quality) + ".." +
                        std::to_string(max_resampler_quality),
                    field);
    }
    return {};
}

Status check_target_latency(core::Duration latency, const std::string& field) {
    if (latency < min_target_latency || latency > max_target_latency) {
        return fail(Errc::invalid_argument, field + " must be 1ms..10s", field);
    }
    return {};
}

Status check_latency_tolerance(core::Duration tolerance, const std::string& field) {
    if (tolerance.count() < 0) {
        return fail(Errc::invalid_argument, field + " must not be negative", field);
    }
    return {};
}

namespace {

bool is_multicast(const address::SocketAddress& a) {
    if (a.family() == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(a.sockaddr_ptr());
        return (ntohl(v4->sin_addr.s_addr) >> 28) == 0xe;
    }
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(a.sockaddr_ptr());
    return v6->sin6_addr.s6_addr[0] == 0xff;
}

bool is_unspecified(const address::SocketAddress& a) {
    if (a.family() == AF_INET) {
        return reinterpret_cast<const sockaddr_in*>(a.sockaddr_ptr())->sin_addr.s_addr == 0;
    }
    return IN6_IS_ADDR_UNSPECIFIED(&reinterpret_cast<const sockaddr_in6*>(a.sockaddr_ptr())->sin6_addr);
}

bool is_limited_broadcast(const address::SocketAddress& a) {
    return a.family() == AF_INET &&
           reinterpret_cast<const sockaddr_in*>(a.sockaddr_ptr())->sin_addr.s_addr == INADDR_BROADCAST;
}

tl::unexpected<Error> multicast_unsupported(const std::string& host, const std::string& field) {
    return fail(Errc::unsupported,
                host + " is a multicast group: rocd streams to and from unicast addresses only", field);
}

} // namespace

Status check_destination(const Endpoint& endpoint, const std::string& field) {
    if (endpoint.uri.port_number() == 0) {
        return fail(Errc::invalid_argument, "port 0 is no destination: give the receiver's port", field);
    }
    auto address = address::SocketAddress::numeric(endpoint.uri.host(), endpoint.uri.port_number());
    if (!address) {
        return {}; // a name: checked again once resolved
    }
    if (is_unspecified(*address)) {
        return fail(Errc::invalid_argument, endpoint.uri.host() + " (unspecified) is no destination", field);
    }
    if (is_limited_broadcast(*address)) {
        return fail(Errc::invalid_argument, "broadcast is not a destination: give the receiver's address",
                    field);
    }
    if (is_multicast(*address)) {
        return multicast_unsupported(endpoint.uri.host(), field);
    }
    return {};
}

Status check_bind_address(const Endpoint& endpoint, const std::string& field) {
    if (endpoint.uri.port_number() == 0) {
        return fail(Errc::invalid_argument, "bind a fixed port, not 0: the sender must know where to send",
                    field);
    }
    auto address = address::SocketAddress::numeric(endpoint.uri.host(), endpoint.uri.port_number());
    if (address && is_multicast(*address)) {
        return multicast_unsupported(endpoint.uri.host(), field);
    }
    if (address && is_limited_broadcast(*address)) {
        return fail(Errc::invalid_argument, "cannot bind the broadcast address", field);
    }
    return {};
}

} // namespace rocd::transport
