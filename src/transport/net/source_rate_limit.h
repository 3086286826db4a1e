// Caps the packets one source address may hand a receive port, on the
// network thread, before they are parsed or take a place in the ring.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "core/log_limit.h"
#include "transport/address/socket_address.h"

namespace rocd::transport::net {

/// A token bucket (core's LogLimit) per source address (address and port),
/// kept in a fixed table: no allocation, whatever arrives. A flood from one address then
/// costs a bounded share of the ring that the audio side drains once per
/// device period, so it cannot crowd out the other senders' packets.
/// Addresses that rotate (spoofed, one packet each) each get a fresh bucket:
/// against them the receiver's candidate table is the defence.
class SourceRateLimit {
public:
    /// `packets_per_second` with bursts of `burst` packets; 0 disables.
    SourceRateLimit(std::uint32_t packets_per_second, std::uint32_t burst);

    /// Whether a packet from `from` arriving at `now_ns` (a monotonic
    /// clock) is within its source's budget; takes one token if so.
    bool allow(const address::SocketAddress& from, std::int64_t now_ns);

    /// How many sources the table follows at once (the least recently
    /// heard one is forgotten for a new one).
    static constexpr std::size_t Sources = 64;

private:
    struct Bucket {
        address::SocketAddress address;
        std::int64_t last_ns = 0; // to forget the least recently heard
        std::optional<LogLimit> budget;
    };
    Bucket& find(const address::SocketAddress& from, std::int64_t now_ns);

    std::uint32_t burst_;
    LogLimit::Clock::duration interval_; // one packet more per interval; zero: no cap
    std::array<Bucket, Sources> buckets_ {};
    /// Most traffic comes from one sender: checked before the table.
    std::size_t last_ = 0;
};

} // namespace rocd::transport::net
