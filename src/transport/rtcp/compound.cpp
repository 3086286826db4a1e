// A compound datagram: the packet headers, SR, RR and BYE, and the order
// of packets; SDES, XR and the report blocks have their own files.
#include <algorithm>
#include <chrono>
#include <cstring>

#include "transport/rtcp/wire.h"

namespace rocd::transport::rtcp {

using core::load_be16;
using core::load_be32;
using core::load_be64;

namespace wire {

std::size_t Writer::begin(std::uint8_t count, std::uint8_t type) {
    const std::size_t at = pos;
    u8(0x80 | (count & 0x1F));
    u8(type);
    u16(0);
    return at;
}

void Writer::end(std::size_t at) {
    while (ok && (pos - at) % 4 != 0) {
        u8(0);
    }
    if (ok) {
        core::store_be16(out.data() + at + 2, static_cast<std::uint16_t>((pos - at) / 4 - 1));
    }
}

} // namespace wire

namespace {

std::optional<Bye> parse_bye(std::span<const std::uint8_t> body, std::size_t count) {
    if (count * 4 > body.size()) {
        return std::nullopt;
    }
    Bye bye;
    for (std::size_t i = 0; i < count; ++i) {
        bye.ssrcs.push_back(load_be32(body.data() + i * 4));
    }
    const std::size_t at = count * 4;
    if (at < body.size()) {
        const std::size_t len = body[at];
        if (at + 1 + len > body.size()) {
            return std::nullopt;
        }
        bye.reason.assign(reinterpret_cast<const char*>(body.data() + at + 1), len);
    }
    return bye;
}

} // namespace

std::uint64_t ntp_from_unix_ns(std::int64_t unix_ns) {
    constexpr std::uint64_t UnixToNtp = 2208988800ULL;
    const std::uint64_t sec = std::uint64_t(unix_ns / 1'000'000'000) + UnixToNtp;
    const std::uint64_t frac = (std::uint64_t(unix_ns % 1'000'000'000) << 32) / 1'000'000'000;
    return sec << 32 | frac;
}

std::int64_t steady_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::uint64_t ntp_now() {
    return ntp_from_unix_ns(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
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
        std::size_t size = (std::size_t(load_be16(h + 2)) + 1) * 4;
        if (size > d.size() - pos) {
            return std::nullopt;
        }
        std::size_t body_size = size - 4;
        if ((h[0] & 0x20) != 0) {
            // Padding: only on the last packet; its last byte counts it.
            const std::uint8_t pad = h[size - 1];
            if (pos + size != d.size() || pad == 0 || pad > body_size) {
                return std::nullopt;
            }
            body_size -= pad;
        }
        const std::span<const std::uint8_t> body(h + 4, body_size);
        const std::uint8_t* p = body.data();
        // A second packet of a type the compound holds once is malformed.
        switch (type) {
        case SR: {
            if (body.size() < 24 || c.sr) {
                return std::nullopt;
            }
            SenderReport sr {load_be32(p),      load_be64(p + 4),  load_be32(p + 12),
                             load_be32(p + 16), load_be32(p + 20), {}};
            if (!wire::parse_report_blocks(body.subspan(24), count, sr.blocks)) {
                return std::nullopt;
            }
            c.sr = std::move(sr);
            break;
        }
        case RR: {
            if (body.size() < 4 || c.rr) {
                return std::nullopt;
            }
            ReceiverReport rr {load_be32(p), {}};
            if (!wire::parse_report_blocks(body.subspan(4), count, rr.blocks)) {
                return std::nullopt;
            }
            c.rr = std::move(rr);
            break;
        }
        case SDES:
            if (std::find(c.order.begin(), c.order.end(), SDES) != c.order.end() ||
                !wire::parse_sdes(body, count, c.sdes)) {
                return std::nullopt;
            }
            break;
        case BYE: {
            if (c.bye) {
                return std::nullopt;
            }
            c.bye = parse_bye(body, count);
            if (!c.bye) {
                return std::nullopt;
            }
            break;
        }
        case XR: {
            if (c.xr) {
                return std::nullopt;
            }
            ExtendedReport xr;
            if (!wire::parse_xr(body, xr, c.unknown)) {
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
    wire::Writer w {out};
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
        if (type == SR && c.sr) {
            const auto at = w.begin(static_cast<std::uint8_t>(c.sr->blocks.size()), SR);
            w.u32(c.sr->ssrc);
            w.u64(c.sr->ntp);
            w.u32(c.sr->rtp_timestamp);
            w.u32(c.sr->packet_count);
            w.u32(c.sr->octet_count);
            wire::write_report_blocks(w, c.sr->blocks);
            w.end(at);
        } else if (type == RR && c.rr) {
            const auto at = w.begin(static_cast<std::uint8_t>(c.rr->blocks.size()), RR);
            w.u32(c.rr->ssrc);
            wire::write_report_blocks(w, c.rr->blocks);
            w.end(at);
        } else if (type == SDES && !c.sdes.empty()) {
            const auto at = w.begin(static_cast<std::uint8_t>(c.sdes.size()), SDES);
            wire::write_sdes(w, c.sdes);
            w.end(at);
        } else if (type == BYE && c.bye) {
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
        } else if (type == XR && c.xr) {
            const auto at = w.begin(0, XR);
            wire::write_xr(w, *c.xr);
            w.end(at);
        }
    }
    return w.ok ? w.pos : 0;
}

} // namespace rocd::transport::rtcp
