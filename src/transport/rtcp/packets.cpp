#include "transport/rtcp/packets.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>

namespace rocd::transport::rtcp {

namespace {

// XR block types.
constexpr std::uint8_t BT_Rrtr = 4, BT_Dlrr = 5, BT_Measurement = 14, BT_Delay = 16, BT_Queue = 220;
constexpr std::uint8_t SdesEnd = 0;

std::uint16_t rd16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
std::uint32_t rd32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3];
}
std::uint64_t rd64(const std::uint8_t* p) {
    return std::uint64_t(rd32(p)) << 32 | rd32(p + 4);
}

/// Bounds-checked big-endian writer.
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
            p[0] = std::uint8_t(v >> 8);
            p[1] = std::uint8_t(v);
        }
    }
    void u32(std::uint32_t v) {
        if (auto* p = take(4)) {
            p[0] = std::uint8_t(v >> 24);
            p[1] = std::uint8_t(v >> 16);
            p[2] = std::uint8_t(v >> 8);
            p[3] = std::uint8_t(v);
        }
    }
    void u64(std::uint64_t v) {
        u32(std::uint32_t(v >> 32));
        u32(std::uint32_t(v));
    }
    // Header with a length patched in end().
    std::size_t begin(std::uint8_t count, std::uint8_t type) {
        const std::size_t at = pos;
        u8(0x80 | (count & 0x1F));
        u8(type);
        u16(0);
        return at;
    }
    void end(std::size_t at) {
        while (ok && (pos - at) % 4 != 0) {
            u8(0);
        }
        if (ok) {
            const auto words = static_cast<std::uint16_t>((pos - at) / 4 - 1);
            out[at + 2] = std::uint8_t(words >> 8);
            out[at + 3] = std::uint8_t(words);
        }
    }
};

ReportBlock parse_block(const std::uint8_t* p) {
    ReportBlock b;
    b.ssrc = rd32(p);
    b.fraction_lost = p[4];
    std::int32_t lost = std::int32_t(std::uint32_t(p[5]) << 16 | std::uint32_t(p[6]) << 8 | p[7]);
    if ((lost & 0x800000) != 0) {
        lost -= 0x1000000;
    }
    b.cumulative_lost = lost;
    b.ext_highest_seq = rd32(p + 8);
    b.jitter = rd32(p + 12);
    b.lsr = rd32(p + 16);
    b.dlsr = rd32(p + 20);
    return b;
}

void write_block(Writer& w, const ReportBlock& b) {
    w.u32(b.ssrc);
    w.u8(b.fraction_lost);
    const std::int32_t lost = std::max(-0x800000, std::min(0x7FFFFF, b.cumulative_lost));
    const auto l = static_cast<std::uint32_t>(lost) & 0xFFFFFF;
    w.u8(std::uint8_t(l >> 16));
    w.u8(std::uint8_t(l >> 8));
    w.u8(std::uint8_t(l));
    w.u32(b.ext_highest_seq);
    w.u32(b.jitter);
    w.u32(b.lsr);
    w.u32(b.dlsr);
}

bool parse_blocks(const std::uint8_t* p, std::size_t size, std::size_t count, std::vector<ReportBlock>& out) {
    if (count * 24 > size) {
        return false;
    }
    for (std::size_t i = 0; i < count; ++i) {
        out.push_back(parse_block(p + i * 24));
    }
    return true;
}

bool parse_sdes(const std::uint8_t* p, std::size_t size, std::size_t count, std::vector<SdesChunk>& out) {
    std::size_t pos = 0;
    for (std::size_t c = 0; c < count; ++c) {
        if (pos + 4 > size) {
            return false;
        }
        SdesChunk chunk;
        chunk.ssrc = rd32(p + pos);
        pos += 4;
        for (;;) {
            if (pos >= size) {
                return false;
            }
            const std::uint8_t type = p[pos];
            if (type == SdesEnd) {
                // The list ends with a zero byte, padded to a word boundary.
                pos += 1;
                pos = (pos + 3) & ~std::size_t(3);
                break;
            }
            if (pos + 2 > size || pos + 2 + p[pos + 1] > size) {
                return false;
            }
            chunk.items.push_back(
                SdesItem {type, std::string(reinterpret_cast<const char*>(p + pos + 2), p[pos + 1])});
            pos += 2 + p[pos + 1];
        }
        if (pos > size) {
            return false;
        }
        out.push_back(std::move(chunk));
    }
    return true;
}

bool parse_xr(const std::uint8_t* p, std::size_t size, ExtendedReport& xr, std::size_t& unknown) {
    if (size < 4) {
        return false;
    }
    xr.ssrc = rd32(p);
    std::size_t pos = 4;
    while (pos < size) {
        if (pos + 4 > size) {
            return false;
        }
        const std::uint8_t bt = p[pos];
        const std::uint8_t flags = p[pos + 1];
        const std::size_t len = std::size_t(rd16(p + pos + 2)) * 4;
        const std::uint8_t* b = p + pos + 4;
        if (pos + 4 + len > size) {
            return false;
        }
        bool known = true;
        switch (bt) {
        case BT_Rrtr:
            known = len == 8;
            if (known) {
                xr.rrtr = rd64(b);
            }
            break;
        case BT_Dlrr:
            known = len % 12 == 0;
            for (std::size_t i = 0; known && i < len; i += 12) {
                xr.dlrr.push_back(DlrrEntry {rd32(b + i), rd32(b + i + 4), rd32(b + i + 8)});
            }
            break;
        case BT_Measurement:
            known = len == 28;
            if (known) {
                xr.measurement = MeasurementInfo {rd32(b),      rd32(b + 4),  rd32(b + 8),
                                                  rd32(b + 12), rd32(b + 16), rd64(b + 20)};
            }
            break;
        case BT_Delay:
            known = len == 24;
            if (known) {
                xr.delay =
                    DelayMetrics {flags, rd32(b), rd32(b + 4), rd32(b + 8), rd32(b + 12), rd64(b + 16)};
            }
            break;
        case BT_Queue:
            known = len == 12;
            if (known) {
                xr.queue = QueueMetrics {flags, rd32(b), rd32(b + 4), rd32(b + 8)};
            }
            break;
        default:
            known = false;
        }
        if (known) {
            xr.order.push_back(bt);
        } else {
            ++unknown;
        }
        pos += 4 + len;
    }
    return true;
}

} // namespace

std::string SdesChunk::cname() const {
    for (const auto& i : items) {
        if (i.type == 1) {
            return i.text;
        }
    }
    return {};
}

std::uint64_t ntp_from_unix_ns(std::int64_t unix_ns) {
    constexpr std::uint64_t UnixToNtp = 2208988800ULL;
    const std::uint64_t sec = std::uint64_t(unix_ns / 1'000'000'000) + UnixToNtp;
    const std::uint64_t frac = (std::uint64_t(unix_ns % 1'000'000'000) << 32) / 1'000'000'000;
    return sec << 32 | frac;
}

std::optional<Compound> parse(std::span<const std::uint8_t> d) {
    Compound c;
    std::size_t pos = 0;
    while (pos < d.size()) {
        if (d.size() - pos < 4) {
            return std::nullopt;
        }
        const std::uint8_t* h = d.data() + pos;
        if ((h[0] >> 6) != 2) {
            return std::nullopt;
        }
        const std::size_t count = h[0] & 0x1F;
        const std::uint8_t type = h[1];
        std::size_t size = (std::size_t(rd16(h + 2)) + 1) * 4;
        if (size > d.size() - pos) {
            return std::nullopt;
        }
        std::size_t body = size - 4;
        if ((h[0] & 0x20) != 0) {
            // Padding: only on the last packet; its last byte counts it.
            const std::uint8_t pad = h[size - 1];
            if (pos + size != d.size() || pad == 0 || pad > body) {
                return std::nullopt;
            }
            body -= pad;
        }
        const std::uint8_t* p = h + 4;
        switch (type) {
        case SR: {
            if (body < 24 || c.sr) {
                return std::nullopt;
            }
            SenderReport sr {rd32(p), rd64(p + 4), rd32(p + 12), rd32(p + 16), rd32(p + 20), {}};
            if (!parse_blocks(p + 24, body - 24, count, sr.blocks)) {
                return std::nullopt;
            }
            c.sr = std::move(sr);
            break;
        }
        case RR: {
            if (body < 4 || c.rr) {
                return std::nullopt;
            }
            ReceiverReport rr {rd32(p), {}};
            if (!parse_blocks(p + 4, body - 4, count, rr.blocks)) {
                return std::nullopt;
            }
            c.rr = std::move(rr);
            break;
        }
        case SDES:
            if (std::find(c.order.begin(), c.order.end(), SDES) != c.order.end() ||
                !parse_sdes(p, body, count, c.sdes)) {
                return std::nullopt;
            }
            break;
        case BYE: {
            if (count * 4 > body || c.bye) {
                return std::nullopt;
            }
            Bye bye;
            for (std::size_t i = 0; i < count; ++i) {
                bye.ssrcs.push_back(rd32(p + i * 4));
            }
            const std::size_t at = count * 4;
            if (at < body) {
                const std::size_t len = p[at];
                if (at + 1 + len > body) {
                    return std::nullopt;
                }
                bye.reason.assign(reinterpret_cast<const char*>(p + at + 1), len);
            }
            c.bye = std::move(bye);
            break;
        }
        case XR: {
            if (c.xr) {
                return std::nullopt;
            }
            ExtendedReport xr;
            if (!parse_xr(p, body, xr, c.unknown)) {
                return std::nullopt;
            }
            c.xr = std::move(xr);
            break;
        }
        default:
            ++c.unknown;
            pos += size;
            continue;
        }
        c.order.push_back(type);
        pos += size;
    }
    if (c.order.empty() && c.unknown == 0) {
        return std::nullopt;
    }
    return c;
}

std::size_t compose(const Compound& c, std::span<std::uint8_t> out) {
    Writer w {out};
    std::vector<std::uint8_t> order = c.order;
    if (order.empty()) {
        if (c.sr)
            order.push_back(SR);
        if (c.rr)
            order.push_back(RR);
        if (c.xr)
            order.push_back(XR);
        if (!c.sdes.empty())
            order.push_back(SDES);
        if (c.bye)
            order.push_back(BYE);
    }
    for (const std::uint8_t type : order) {
        switch (type) {
        case SR:
            if (c.sr) {
                const auto at = w.begin(static_cast<std::uint8_t>(c.sr->blocks.size()), SR);
                w.u32(c.sr->ssrc);
                w.u64(c.sr->ntp);
                w.u32(c.sr->rtp_timestamp);
                w.u32(c.sr->packet_count);
                w.u32(c.sr->octet_count);
                for (const auto& b : c.sr->blocks) {
                    write_block(w, b);
                }
                w.end(at);
            }
            break;
        case RR:
            if (c.rr) {
                const auto at = w.begin(static_cast<std::uint8_t>(c.rr->blocks.size()), RR);
                w.u32(c.rr->ssrc);
                for (const auto& b : c.rr->blocks) {
                    write_block(w, b);
                }
                w.end(at);
            }
            break;
        case SDES:
            if (!c.sdes.empty()) {
                const auto at = w.begin(static_cast<std::uint8_t>(c.sdes.size()), SDES);
                for (const auto& chunk : c.sdes) {
                    const std::size_t start = w.pos;
                    w.u32(chunk.ssrc);
                    for (const auto& item : chunk.items) {
                        const std::size_t len = std::min<std::size_t>(item.text.size(), 255);
                        w.u8(item.type);
                        w.u8(static_cast<std::uint8_t>(len));
                        if (auto* p = w.take(len)) {
                            std::memcpy(p, item.text.data(), len);
                        }
                    }
                    w.u8(SdesEnd);
                    while (w.ok && (w.pos - start) % 4 != 0) {
                        w.u8(0);
                    }
                }
                w.end(at);
            }
            break;
        case BYE:
            if (c.bye) {
                const auto at = w.begin(static_cast<std::uint8_t>(c.bye->ssrcs.size()), BYE);
                for (const auto s : c.bye->ssrcs) {
                    w.u32(s);
                }
                if (!c.bye->reason.empty()) {
                    const std::size_t len = std::min<std::size_t>(c.bye->reason.size(), 255);
                    w.u8(static_cast<std::uint8_t>(len));
                    if (auto* p = w.take(len)) {
                        std::memcpy(p, c.bye->reason.data(), len);
                    }
                }
                w.end(at);
            }
            break;
        case XR:
            if (c.xr) {
                const auto& xr = *c.xr;
                const auto at = w.begin(0, XR);
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
                        w.u32(m.ssrc), w.u32(m.rtt_mean), w.u32(m.rtt_min), w.u32(m.rtt_max),
                            w.u64(m.e2e_delay);
                    } else if (bt == BT_Queue && xr.queue) {
                        const auto& m = *xr.queue;
                        w.u8(bt), w.u8(m.flags), w.u16(3);
                        w.u32(m.ssrc), w.u32(m.niq_latency), w.u32(m.niq_stalling);
                    }
                }
                w.end(at);
            }
            break;
        default:
            break;
        }
    }
    return w.ok ? w.pos : 0;
}

} // namespace rocd::transport::rtcp

namespace rocd::transport::rtcp {

std::string random_cname() {
    std::random_device rd;
    std::uint8_t b[16];
    for (auto& x : b) {
        x = static_cast<std::uint8_t>(rd());
    }
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);
    char out[37];
    std::snprintf(out, sizeof(out), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return out;
}

std::uint64_t ntp_now() {
    return ntp_from_unix_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
}

} // namespace rocd::transport::rtcp
