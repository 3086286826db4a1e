#include "transport/rtcp/wire.h"

#include <algorithm>

namespace rocd::transport::rtcp::wire {

using core::load_be16;
using core::load_be32;
using core::load_be64;

bool parse_xr(std::span<const std::uint8_t> body, ExtendedReport& xr, std::size_t& unknown) {
    const std::uint8_t* p = body.data();
    const std::size_t size = body.size();
    if (size < 4) {
        return false;
    }
    xr.ssrc = load_be32(p);
    std::size_t pos = 4;
    while (pos < size) {
        if (pos + 4 > size) {
            return false;
        }
        const std::uint8_t bt = p[pos];
        const std::uint8_t flags = p[pos + 1];
        const std::size_t len = std::size_t(load_be16(p + pos + 2)) * 4;
        const std::uint8_t* b = p + pos + 4;
        if (pos + 4 + len > size) {
            return false;
        }
        // A block of a known type but the wrong length is skipped like an
        // unknown one: the rest of the report may still be good.
        bool known = true;
        switch (bt) {
        case BT_Rrtr:
            known = len == 8;
            if (known) {
                xr.rrtr = load_be64(b);
            }
            break;
        case BT_Dlrr:
            known = len % 12 == 0;
            for (std::size_t i = 0; known && i < len; i += 12) {
                xr.dlrr.push_back(DlrrEntry {load_be32(b + i), load_be32(b + i + 4), load_be32(b + i + 8)});
            }
            break;
        case BT_Measurement:
            known = len == 28;
            if (known) {
                xr.measurement = MeasurementInfo {load_be32(b),      load_be32(b + 4),  load_be32(b + 8),
                                                  load_be32(b + 12), load_be32(b + 16), load_be64(b + 20)};
            }
            break;
        case BT_Delay:
            known = len == 24;
            if (known) {
                xr.delay = DelayMetrics {flags,
                                         load_be32(b),
                                         load_be32(b + 4),
                                         load_be32(b + 8),
                                         load_be32(b + 12),
                                         load_be64(b + 16)};
            }
            break;
        case BT_Queue:
            known = len == 12;
            if (known) {
                xr.queue = QueueMetrics {flags, load_be32(b), load_be32(b + 4), load_be32(b + 8)};
            }
            break;
        default:
            known = false;
        }
        if (known) {
            // A repeated block adds its entries (DLRR) or replaces the
            // value; either way it is composed back as one block.
            if (std::find(xr.order.begin(), xr.order.end(), bt) == xr.order.end()) {
                xr.order.push_back(bt);
            }
        } else {
            ++unknown;
        }
        pos += 4 + len;
    }
    return true;
}

void write_xr(Writer& w, const ExtendedReport& xr) {
    w.u32(xr.ssrc);
    std::vector<std::uint8_t> blocks = xr.order;
    if (blocks.empty()) {
        if (xr.rrtr)
            blocks.push_back(BT_Rrtr);
        if (!xr.dlrr.empty())
            blocks.push_back(BT_Dlrr);
        if (xr.measurement)
            blocks.push_back(BT_Measurement);
        if (xr.delay)
            blocks.push_back(BT_Delay);
        if (xr.queue)
            blocks.push_back(BT_Queue);
    }
    // Each block: type, type-specific byte, length in words after the header.
    for (const std::uint8_t bt : blocks) {
        if (bt == BT_Rrtr && xr.rrtr) {
            w.u8(bt), w.u8(0), w.u16(2), w.u64(*xr.rrtr);
        } else if (bt == BT_Dlrr && !xr.dlrr.empty()) {
            w.u8(bt), w.u8(0), w.u16(static_cast<std::uint16_t>(3 * xr.dlrr.size()));
            for (const auto& e : xr.dlrr) {
                w.u32(e.ssrc), w.u32(e.lrr), w.u32(e.dlrr);
            }
        } else if (bt == BT_Measurement && xr.measurement) {
            const auto& m = *xr.measurement;
            w.u8(bt), w.u8(0), w.u16(7);
            w.u32(m.ssrc), w.u32(m.first_seq), w.u32(m.ext_first_seq), w.u32(m.ext_last_seq);
            w.u32(m.interval), w.u64(m.cumulative);
        } else if (bt == BT_Delay && xr.delay) {
            const auto& m = *xr.delay;
            w.u8(bt), w.u8(m.flags), w.u16(6);
            w.u32(m.ssrc), w.u32(m.rtt_mean), w.u32(m.rtt_min), w.u32(m.rtt_max), w.u64(m.e2e_delay);
        } else if (bt == BT_Queue && xr.queue) {
            const auto& m = *xr.queue;
            w.u8(bt), w.u8(m.flags), w.u16(3);
            w.u32(m.ssrc), w.u32(m.niq_latency), w.u32(m.niq_stalling);
        }
    }
}

} // namespace rocd::transport::rtcp::wire
