// Settings of a sender: plain data, filled by the daemon or rocd-send.
#pragma once

#include <cstdint>
#include <optional>

#include "core/error.h"
#include "transport/core/duration.h"
#include "transport/endpoint.h"

namespace rocd::transport {

/// Everything a sender needs. Defaults are roc-send's (WIRE.md §8).
struct SenderConfig {
    /// Where source packets go (rtp://host:port). Required for a networked
    /// Sender; ignored by SenderPipeline.
    std::optional<Endpoint> source;
    /// FEC repair endpoint (rs8m:// or ldpc://): required with, and only
    /// with, an rtp+rs8m / rtp+ldpc source of the same scheme.
    std::optional<Endpoint> repair;
    /// RTCP control endpoint (rtcp://).
    std::optional<Endpoint> control;

    /// FEC block: source and repair packets per block (Roc: 18 and 10).
    std::size_t fec_source_packets = 18;
    std::size_t fec_repair_packets = 10;

    /// The local side: what write() is given.
    std::uint32_t rate = 44100;
    std::uint32_t channels = 2;

    /// Wire encoding: PT 10 (L16 stereo 44.1 kHz) as roc-send, or 11 (mono).
    std::uint8_t payload_type = 10;
    /// Audio per packet (5 ms → 221 samples).
    core::Duration packet_length = std::chrono::milliseconds(5);
    /// speex quality for rate conversion when rate ≠ 44100.
    int resampler_quality = 5;
    /// Ring to the network thread, in packets.
    std::size_t queue_packets = 64;

    /// Checks ranges; names the offending field.
    Status validate() const;
};

} // namespace rocd::transport
