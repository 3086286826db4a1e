// The checks of single sender and receiver settings. validate() of each
// config runs them naming its own members; the daemon runs them as it takes
// each value from a stream's settings, naming the API field, so a bad value
// is reported where it was given and no layer renames another's fields.
// Rates and channels are the shared limits of core/audio_limits.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"
#include "transport/core/duration.h"
#include "transport/endpoint.h"

namespace rocd::transport {

/// speex quality (Roc's "medium" profile is 5).
inline constexpr int min_resampler_quality = 0;
inline constexpr int max_resampler_quality = 10;

/// Target latencies a receiver holds: Roc's own bounds on the command line.
inline constexpr core::Duration min_target_latency = std::chrono::milliseconds(1);
inline constexpr core::Duration max_target_latency = std::chrono::seconds(10);

/// Audio per packet must make at least one sample and, with a FEC footer,
/// fit the largest packet rocd handles, in the encoding `payload_type`.
Status check_packet_length(core::Duration length, std::uint8_t payload_type,
                           const std::string& field = "packet_length");

/// A FEC block shape the source endpoint's scheme can code (no check
/// without FEC). The field names the source-packet count.
Status check_fec_block(const std::optional<Endpoint>& source, std::size_t source_packets,
                       std::size_t repair_packets, const std::string& field = "fec_source_packets");

Status check_resampler_quality(int quality, const std::string& field = "resampler_quality");
Status check_target_latency(core::Duration latency, const std::string& field = "target_latency");
/// Zero means "Roc's default"; negative is an error.
Status check_latency_tolerance(core::Duration tolerance, const std::string& field = "latency_tolerance");

/// Where a sender may send: a unicast address and a port other than 0 (not
/// the unspecified address, not broadcast; multicast is unsupported, 422).
/// An endpoint that names its host is checked once resolved.
Status check_destination(const Endpoint& endpoint, const std::string& field);
/// What a receiver may bind: a fixed port (a sender must know it) of a
/// unicast or unspecified address (multicast groups are unsupported, 422).
Status check_bind_address(const Endpoint& endpoint, const std::string& field);

} // namespace rocd::transport
