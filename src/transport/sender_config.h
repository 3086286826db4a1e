// Settings of a sender: plain data, filled by the daemon or rocd-send.
#pragma once

#include <cstdint>
#include <optional>

#include "core/error.h"
#include "transport/duration.h"
#include "transport/endpoint.h"

namespace rocd::transport {

/// Everything a sender needs. Defaults are roc-send's (WIRE.md §8).
struct SenderConfig {
    /// Where source packets go (rtp://host:port). Required for a networked
    /// Sender; ignored by SenderPipeline.
    std::optional<Endpoint> source;
    /// FEC repair and RTCP control endpoints: not supported yet.
    std::optional<Endpoint> repair;
    std::optional<Endpoint> control;

    /// The local side: what write() is given.
    std::uint32_t rate = 44100;
    std::uint32_t channels = 2;

    /// Wire encoding: PT 10 (L16 stereo 44.1 kHz) as roc-send, or 11 (mono).
    std::uint8_t payload_type = 10;
    /// Audio per packet (5 ms → 221 samples).
    Duration packet_length = std::chrono::milliseconds(5);
    /// speex quality for rate conversion when rate ≠ 44100.
    int resampler_quality = 5;
    /// Ring to the network thread, in packets.
    std::size_t queue_packets = 256;

    /// Checks ranges; names the offending field.
    Status validate() const;
};

} // namespace rocd::transport
