// RTCP compound packets as Roc Toolkit exchanges them (WIRE.md §6):
// SR, RR, SDES, BYE (RFC 3550) and XR (RFC 3611) with the RRTR, DLRR,
// Measurement Info (RFC 6776), Delay Metrics (RFC 6843) and Roc's Queue
// Metrics (BT = 220) blocks. Host-order fields; byte order only in
// parse/compose. Unknown packet types and XR blocks are skipped (counted).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace rocd::transport::rtcp {

/// RTCP packet types (RFC 3550, 3611).
enum PacketType : std::uint8_t { SR = 200, RR = 201, SDES = 202, BYE = 203, XR = 207 };

/// One reception report block (RFC 3550 §6.4.1).
struct ReportBlock {
    std::uint32_t ssrc = 0;
    std::uint8_t fraction_lost = 0;   ///< 8.8 fixed point fraction since the last report
    std::int32_t cumulative_lost = 0; ///< 24-bit signed on the wire
    std::uint32_t ext_highest_seq = 0;
    std::uint32_t jitter = 0; ///< RTP timestamp units
    std::uint32_t lsr = 0;    ///< middle 32 bits of the last SR's NTP time
    std::uint32_t dlsr = 0;   ///< 1/65536 s since that SR
};

struct SenderReport {
    std::uint32_t ssrc = 0;
    std::uint64_t ntp = 0; ///< 32.32 NTP time
    std::uint32_t rtp_timestamp = 0;
    std::uint32_t packet_count = 0;
    std::uint32_t octet_count = 0;
    std::vector<ReportBlock> blocks;
};

struct ReceiverReport {
    std::uint32_t ssrc = 0;
    std::vector<ReportBlock> blocks;
};

/// SDES: one chunk per SSRC; items kept in order (1 = CNAME).
struct SdesItem {
    std::uint8_t type = 0;
    std::string text;
};
struct SdesChunk {
    std::uint32_t ssrc = 0;
    std::vector<SdesItem> items;
    /// CNAME text, or "" when absent.
    std::string cname() const;
};

struct Bye {
    std::vector<std::uint32_t> ssrcs;
    std::string reason;
};

/// DLRR sub-block (RFC 3611 §4.5).
struct DlrrEntry {
    std::uint32_t ssrc = 0;
    std::uint32_t lrr = 0;
    std::uint32_t dlrr = 0;
};

/// Measurement Information (RFC 6776), kept raw.
struct MeasurementInfo {
    std::uint32_t ssrc = 0;
    std::uint32_t first_seq = 0; ///< the reserved(16)|first seq(16) word
    std::uint32_t ext_first_seq = 0;
    std::uint32_t ext_last_seq = 0;
    std::uint32_t interval = 0;   ///< measurement duration of the interval, 16.16 s
    std::uint64_t cumulative = 0; ///< cumulative measurement duration, NTP 32.32
};

/// Delay Metrics (RFC 6843). 0xFFFFFFFF / all ones = unavailable.
struct DelayMetrics {
    /// The block header's type-specific byte: I in bits 7-6 (0x40 = sampled, as Roc sends).
    std::uint8_t flags = 0x40;
    std::uint32_t ssrc = 0;
    std::uint32_t rtt_mean = 0xFFFFFFFF, rtt_min = 0xFFFFFFFF, rtt_max = 0xFFFFFFFF; ///< 16.16 s
    std::uint64_t e2e_delay = ~std::uint64_t(0);                                     ///< NTP 32.32 s
};

/// Roc's Queue Metrics block (BT = 220): incoming queue latency and stall.
struct QueueMetrics {
    std::uint8_t flags = 0x40; ///< as DelayMetrics::flags
    std::uint32_t ssrc = 0;
    std::uint32_t niq_latency = 0;  ///< 16.16 s
    std::uint32_t niq_stalling = 0; ///< 16.16 s
};

struct ExtendedReport {
    std::uint32_t ssrc = 0;
    std::optional<std::uint64_t> rrtr; ///< receiver reference time (NTP)
    std::vector<DlrrEntry> dlrr;
    std::optional<MeasurementInfo> measurement;
    std::optional<DelayMetrics> delay;
    std::optional<QueueMetrics> queue;
    /// Order of blocks as received (block types), so compose() repeats it.
    std::vector<std::uint8_t> order;
};

/// One compound RTCP datagram.
struct Compound {
    std::optional<SenderReport> sr;
    std::optional<ReceiverReport> rr;
    std::optional<ExtendedReport> xr;
    std::vector<SdesChunk> sdes;
    std::optional<Bye> bye;
    /// Packet types in datagram order (compose() follows it; empty: SR/RR, XR, SDES, BYE).
    std::vector<std::uint8_t> order;
    /// Packets or XR blocks of a type not understood, skipped.
    std::size_t unknown = 0;
};

/// Parses a compound datagram. nullopt when malformed: a packet with V ≠ 2,
/// a length past the end, a report count or SDES/XR content that overruns
/// its packet, or no packet at all.
std::optional<Compound> parse(std::span<const std::uint8_t> datagram);

/// Composes `c` into `out` and returns the size, or 0 if it does not fit.
std::size_t compose(const Compound& c, std::span<std::uint8_t> out);

/// NTP 32.32 from a system-clock time point (Unix → NTP epoch).
std::uint64_t ntp_from_unix_ns(std::int64_t unix_ns);
/// Middle 32 bits of an NTP time (LSR, 16.16 seconds).
inline std::uint32_t ntp_middle(std::uint64_t ntp) {
    return static_cast<std::uint32_t>(ntp >> 16);
}
/// A duration in ns as 16.16 seconds (DLSR, DLRR, XR delays), 0 if negative.
inline std::uint32_t ns_to_q16(std::int64_t ns) {
    return static_cast<std::uint32_t>((ns > 0 ? ns : 0) * 65536 / 1'000'000'000);
}
/// 16.16 seconds as ns.
inline std::int64_t q16_to_ns(std::uint32_t v) {
    return static_cast<std::int64_t>(double(v) * 1e9 / 65536.0);
}

} // namespace rocd::transport::rtcp

namespace rocd::transport::rtcp {

/// A random UUID string (36 characters), Roc's CNAME form.
std::string random_cname();
/// Current wall clock as NTP 32.32.
std::uint64_t ntp_now();
/// The monotonic clock in ns: when the reporters' own reports left.
std::int64_t steady_ns();

/// How often each side reports (Roc: 200 ms).
inline constexpr std::int64_t ReportIntervalNs = 200'000'000;

} // namespace rocd::transport::rtcp
