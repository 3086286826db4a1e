// What a stream is, as the user defined it: source, destination, settings.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/uid.h"

namespace rocd::streams {

/// Which way a stream moves audio.
enum class StreamDirection {
    send,    ///< port -> address
    receive, ///< address -> port
    local,   ///< port -> port on this peer, through the transport on loopback
};

/// The network side of a stream: remote addresses (send) or local bind
/// addresses (receive), in Roc's URI scheme.
struct AddressSpec {
    std::string media_uri;
    std::optional<std::string> repair_uri;
    std::optional<std::string> control_uri;

    bool operator==(const AddressSpec&) const = default;
};

/// The far end of a cross-peer stream (docs/p2p.md §20): this peer holds one
/// half, a send or a receive stream between its port and `address`; the
/// other peer holds the other half, at its port `port_uri`.
struct OtherEnd {
    /// "/peers/<peer uid>/ports/<port uid>".
    std::string port_uri;
    Uid peer;
};

/// Optional settings; absent = the device's format or the transport's default.
struct StreamSettings {
    std::optional<std::uint32_t> rate;
    std::optional<std::uint32_t> channels;
    std::optional<double> packet_length_ms;
    std::optional<std::uint32_t> fec_block_source_packets;
    std::optional<std::uint32_t> fec_block_repair_packets;
    std::optional<double> target_latency_ms;
    std::optional<double> latency_tolerance_ms;
    std::optional<int> resampler_quality;

    bool operator==(const StreamSettings&) const = default;
};

/// A stream's definition.
struct StreamSpec {
    StreamDirection direction = StreamDirection::send;
    /// The port side, as given ("/peers/self/ports/<uid>"): the captured
    /// port (send, local) or the port played into (receive).
    std::string port_uri;
    /// The port's uid, parsed from port_uri (always set after parsing).
    std::optional<Uid> port_uid;
    /// Local streams only: the port played into.
    std::string playback_port_uri;
    std::optional<Uid> playback_port_uid;
    /// Send and receive streams: the network side. For a half of a
    /// cross-peer stream, the endpoints the receiving peer bound.
    AddressSpec address;
    StreamSettings settings;
    /// Set for a half of a cross-peer stream.
    std::optional<OtherEnd> other_end;
};

/// How the service keeps a spec in the store (text) and reads it back. The
/// daemon gives it the API's JSON (api/representation/stream_json), so that
/// the store holds what the client sent, and the service knows no JSON.
struct SpecCodec {
    std::function<std::string(const StreamSpec&)> encode;
    /// An error when the text is not a valid spec (e.g. a damaged row).
    std::function<Result<StreamSpec>(const std::string&)> decode;
};

/// Settings that belong to the other direction are refused, naming the
/// setting: packet length and FEC blocks are the sender's (a receiver takes
/// them from the packets, and a local stream carries plain RTP), target
/// latency and tolerance the receiver's.
Status check_direction_settings(StreamDirection direction, const StreamSettings& settings);

/// `settings` without those check_direction_settings refuses for a send or
/// receive stream: what of a cross-peer stream's settings each half takes.
StreamSettings settings_for(StreamDirection direction, StreamSettings settings);

/// The uids of the ports a spec refers to (one, or two for a local stream).
std::vector<Uid> port_uids(const StreamSpec& spec);

/// "send" / "receive" / "local".
const char* direction_name(StreamDirection direction);

} // namespace rocd::streams
