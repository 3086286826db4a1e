#include "transport/rtcp/sender_reporter.h"

#include <chrono>

#include "transport/rtcp/packets.h"

namespace rocd::transport::rtcp {

SenderReporter::SenderReporter(net::UdpSender& port, const address::SocketAddress& to,
                               const ISendingHook& sending)
    : port_(port), to_(to), sending_(sending), cname_(random_cname()) {}

void SenderReporter::on_tick() {
    const std::int64_t now = steady_ns();
    if (now < next_report_ns_) {
        return;
    }
    next_report_ns_ = now + ReportIntervalNs;
    send_report(now);
}

void SenderReporter::send_report(std::int64_t now_ns) {
    const SendingState state = sending_.sending_state();
    Compound c;
    const std::uint64_t ntp = ntp_now();
    SenderReport sr;
    sr.ssrc = state.ssrc;
    sr.ntp = ntp;
    // The RTP timestamp of "now", extrapolated from the last packet built.
    const std::int64_t last_ns = state.last_packet_unix_ns;
    std::uint32_t ts = state.last_timestamp_end;
    if (last_ns != 0) {
        const std::int64_t unix_now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count();
        ts += static_cast<std::uint32_t>((unix_now - last_ns) * std::int64_t(state.sample_rate) /
                                         1'000'000'000);
    }
    sr.rtp_timestamp = ts;
    sr.packet_count = static_cast<std::uint32_t>(state.packets);
    sr.octet_count = static_cast<std::uint32_t>(state.octets);
    c.sr = sr;
    c.order.push_back(SR);
    if (have_rrtr_) {
        ExtendedReport xr;
        xr.ssrc = sr.ssrc;
        xr.dlrr.push_back(
            DlrrEntry {rrtr_ssrc_, rrtr_mid_,
                       static_cast<std::uint32_t>((now_ns - rrtr_at_ns_) * 65536 / 1'000'000'000)});
        c.xr = xr;
        c.order.push_back(XR);
    }
    c.sdes.push_back(SdesChunk {sr.ssrc, {SdesItem {1, cname_}}});
    c.order.push_back(SDES);
    std::uint8_t buf[512];
    const std::size_t n = compose(c, buf);
    if (n > 0 && port_.send_now(std::span<const std::uint8_t>(buf, n), to_)) {
        rep_.sent.fetch_add(1, std::memory_order_relaxed);
    }
}

void SenderReporter::on_datagram(std::span<const std::uint8_t> data, const address::SocketAddress&) {
    constexpr auto r = std::memory_order_relaxed;
    const auto c = parse(data);
    if (!c || (!c->rr && !c->xr && !c->bye)) {
        rep_.malformed.fetch_add(1, r);
        return;
    }
    rep_.received.fetch_add(1, r);
    const SendingState state = sending_.sending_state();
    const std::uint32_t ssrc = state.ssrc;
    const std::uint32_t now_mid = ntp_middle(ntp_now());
    if (c->rr) {
        for (const auto& b : c->rr->blocks) {
            if (b.ssrc != ssrc) {
                continue;
            }
            rep_.loss_fraction.store(b.fraction_lost / 256.0, r);
            rep_.cumulative_lost.store(b.cumulative_lost, r);
            rep_.jitter_ns.store(std::int64_t(b.jitter) * 1'000'000'000 / state.sample_rate, r);
            if (b.lsr != 0) {
                // RFC 3550 §6.4.1: RTT = A − LSR − DLSR, in 16.16 seconds.
                const auto rtt = static_cast<std::int32_t>(now_mid - b.lsr - b.dlsr);
                rep_.rtt_ns.store(rtt >= 0 ? q16_to_ns(static_cast<std::uint32_t>(rtt)) : 0, r);
            }
            rep_.have_rr.store(true, r);
        }
    }
    if (c->xr) {
        if (c->xr->rrtr) {
            have_rrtr_ = true;
            rrtr_ssrc_ = c->xr->ssrc;
            rrtr_mid_ = ntp_middle(*c->xr->rrtr);
            rrtr_at_ns_ = steady_ns();
        }
        if (c->xr->delay && c->xr->delay->ssrc == ssrc && c->xr->delay->e2e_delay != ~std::uint64_t(0)) {
            const std::uint64_t e = c->xr->delay->e2e_delay;
            rep_.e2e_ns.store(static_cast<std::int64_t>(double(e) * 1e9 / 4294967296.0), r);
        }
        if (c->xr->queue && c->xr->queue->ssrc == ssrc) {
            rep_.niq_latency_ns.store(q16_to_ns(c->xr->queue->niq_latency), r);
            rep_.niq_stalling_ns.store(q16_to_ns(c->xr->queue->niq_stalling), r);
        }
    }
}

Traffic SenderReporter::traffic() const {
    constexpr auto r = std::memory_order_relaxed;
    return {rep_.received.load(r), rep_.malformed.load(r), rep_.sent.load(r)};
}

ReceiverFeedback SenderReporter::feedback() const {
    constexpr auto r = std::memory_order_relaxed;
    ReceiverFeedback f;
    f.have_report = rep_.have_rr.load(r);
    f.loss_fraction = rep_.loss_fraction.load(r);
    f.cumulative_lost = rep_.cumulative_lost.load(r);
    f.jitter = core::Duration(rep_.jitter_ns.load(r));
    f.rtt = core::Duration(rep_.rtt_ns.load(r));
    f.e2e_latency = core::Duration(rep_.e2e_ns.load(r));
    f.niq_latency = core::Duration(rep_.niq_latency_ns.load(r));
    f.niq_stalling = core::Duration(rep_.niq_stalling_ns.load(r));
    return f;
}

} // namespace rocd::transport::rtcp
