// What the RTCP packet files share and nothing else sees: the XR block
// types, a bounds-checked big-endian writer, and each packet family's
// parse and write steps, which parse() and compose() in compound.cpp run
// in datagram order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "transport/core/byte_order.h"
#include "transport/rtcp/packets.h"

namespace rocd::transport::rtcp::wire {

/// XR block types (RFC 3611, 6776, 6843; 220 is Roc's own).
inline constexpr std::uint8_t BT_Rrtr = 4, BT_Dlrr = 5, BT_Measurement = 14, BT_Delay = 16, BT_Queue = 220;

/// Writes big-endian fields into `out`; the first write that does not fit
/// clears `ok` and every later one is dropped, so a composer checks once.
struct Writer {
    std::span<std::uint8_t> out;
    std::size_t pos = 0;
    bool ok = true;

    std::uint8_t* take(std::size_t n) {
        if (!ok || n > out.size() - pos) {
            ok = false;
            return nullptr;
        }
        std::uint8_t* p = out.data() + pos;
        pos += n;
        return p;
    }
    void u8(std::uint8_t v) {
        if (auto* p = take(1)) {
            p[0] = v;
        }
    }
    void u16(std::uint16_t v) {
        if (auto* p = take(2)) {
            core::store_be16(p, v);
        }
    }
    void u24(std::uint32_t v) {
        if (auto* p = take(3)) {
            core::store_be24(p, v);
        }
    }
    void u32(std::uint32_t v) {
        if (auto* p = take(4)) {
            core::store_be32(p, v);
        }
    }
    void u64(std::uint64_t v) {
        if (auto* p = take(8)) {
            core::store_be64(p, v);
        }
    }
    /// A packet header whose length end() fills in once the body is written.
    std::size_t begin(std::uint8_t count, std::uint8_t type);
    /// Pads the packet begun at `at` to a word and sets its length.
    void end(std::size_t at);
};

/// Report blocks of an SR or RR (RFC 3550 §6.4.1), 24 bytes each.
bool parse_report_blocks(std::span<const std::uint8_t> body, std::size_t count,
                         std::vector<ReportBlock>& out);
void write_report_blocks(Writer& w, const std::vector<ReportBlock>& blocks);

/// SDES chunks (RFC 3550 §6.5).
bool parse_sdes(std::span<const std::uint8_t> body, std::size_t count, std::vector<SdesChunk>& out);
void write_sdes(Writer& w, const std::vector<SdesChunk>& chunks);

/// One XR packet's body (RFC 3611 §2); blocks of unknown type or shape are
/// skipped and counted in `unknown`.
bool parse_xr(std::span<const std::uint8_t> body, ExtendedReport& xr, std::size_t& unknown);
void write_xr(Writer& w, const ExtendedReport& xr);

} // namespace rocd::transport::rtcp::wire
