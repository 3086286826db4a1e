#include "transport/rtcp/receiver_reporter.h"

#include <algorithm>
#include <random>

#include <sys/socket.h>

#include "transport/packet/packet.h"
#include "transport/rtcp/packets.h"

namespace rocd::transport::rtcp {

ReceiverReporter::ReceiverReporter(net::BoundSocket socket, const IReceptionHook& reception)
    : socket_(std::move(socket)), reception_(reception), cname_(random_cname()),
      ssrc_(std::random_device {}() | 1u) {}

void ReceiverReporter::on_readable() {
    std::uint8_t buf[MaxPacketSize];
    for (;;) {
        sockaddr_storage from {};
        socklen_t len = sizeof(from);
        const ssize_t n =
            recvfrom(socket_.fd(), buf, sizeof(buf), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
        if (n < 0) {
            return;
        }
        handle(std::span<const std::uint8_t>(buf, static_cast<std::size_t>(n)),
               address::SocketAddress::from(reinterpret_cast<sockaddr*>(&from), len));
    }
}

void ReceiverReporter::handle(std::span<const std::uint8_t> data, const address::SocketAddress& from) {
    const auto c = parse(data);
    if (!c || (!c->sr && !c->xr && c->sdes.empty() && !c->bye)) {
        counters_.malformed.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    counters_.received.fetch_add(1, std::memory_order_relaxed);
    // Report_Back: answer to where the sender's RTCP comes from (its one socket).
    have_sender_ = true;
    sender_ = from;
    if (c->sr) {
        sender_ssrc_ = c->sr->ssrc;
        lsr_ = ntp_middle(c->sr->ntp);
        sr_at_ns_ = steady_ns();
    }
    if (c->xr) {
        for (const auto& e : c->xr->dlrr) {
            if (e.ssrc == ssrc_ && e.lrr != 0) {
                rtt_q16_ = ntp_middle(ntp_now()) - e.lrr - e.dlrr;
            }
        }
    }
    if (c->bye) {
        // The session itself ends by its watchdog once packets stop.
        have_sender_ = false;
    }
}

void ReceiverReporter::on_tick() {
    const std::int64_t now = steady_ns();
    if (now < next_report_ns_) {
        return;
    }
    next_report_ns_ = now + ReportIntervalNs;
    // A receiver that never got RTCP from the sender sends nothing (like Roc).
    if (have_sender_) {
        send_report(now);
    }
}

void ReceiverReporter::send_report(std::int64_t now_ns) {
    const ReceptionState m = reception_.reception_state();
    const std::uint64_t ntp = ntp_now();
    Compound c;
    ReceiverReport rr;
    rr.ssrc = ssrc_;
    const std::uint32_t source = m.ssrc != 0 ? m.ssrc : sender_ssrc_;
    if (m.sessions > 0) {
        ReportBlock b;
        b.ssrc = source;
        const std::uint64_t expected = std::uint64_t(m.ext_highest_seq - m.ext_first_seq) + 1;
        const std::uint64_t arrived = m.packets_arrived;
        b.cumulative_lost = static_cast<std::int32_t>(std::int64_t(expected) - std::int64_t(arrived));
        // RFC 3550 A.3: fraction over the interval since the last report.
        const std::int64_t exp_int = std::int64_t(expected) - std::int64_t(prev_expected_);
        const std::int64_t lost_int = exp_int - (std::int64_t(arrived) - std::int64_t(prev_arrived_));
        b.fraction_lost =
            exp_int > 0 && lost_int > 0
                ? static_cast<std::uint8_t>(std::min<std::int64_t>(255, (lost_int << 8) / exp_int))
                : 0;
        prev_expected_ = expected;
        prev_arrived_ = arrived;
        b.ext_highest_seq = m.ext_highest_seq;
        b.jitter = static_cast<std::uint32_t>(m.jitter.count() * 44100 / 1'000'000'000);
        if (sr_at_ns_ != 0) {
            b.lsr = lsr_;
            b.dlsr = ns_to_q16(now_ns - sr_at_ns_);
        }
        rr.blocks.push_back(b);
    }
    c.rr = rr;
    c.order.push_back(RR);
    ExtendedReport xr;
    xr.ssrc = ssrc_;
    xr.rrtr = ntp;
    xr.order.push_back(4);
    if (m.sessions > 0) {
        MeasurementInfo mi;
        mi.ssrc = source;
        mi.first_seq = m.ext_first_seq & 0xFFFF;
        mi.ext_first_seq = m.ext_first_seq;
        mi.ext_last_seq = m.ext_highest_seq;
        xr.measurement = mi;
        xr.order.push_back(14);
        DelayMetrics dm;
        dm.ssrc = source;
        dm.rtt_mean = dm.rtt_min = dm.rtt_max = rtt_q16_;
        xr.delay = dm; // e2e delay: unavailable (needs capture timestamps)
        xr.order.push_back(16);
        QueueMetrics qm;
        qm.ssrc = source;
        qm.niq_latency = ns_to_q16(m.latency.count());
        qm.niq_stalling = 0;
        xr.queue = qm;
        xr.order.push_back(220);
    }
    c.xr = xr;
    c.order.push_back(XR);
    c.sdes.push_back(SdesChunk {ssrc_, {SdesItem {1, cname_}}});
    c.order.push_back(SDES);
    std::uint8_t buf[512];
    const std::size_t n = compose(c, buf);
    if (n > 0 && sendto(socket_.fd(), buf, n, MSG_DONTWAIT, sender_.sockaddr_ptr(), sender_.length()) >= 0) {
        counters_.sent.fetch_add(1, std::memory_order_relaxed);
    }
}

Traffic ReceiverReporter::traffic() const {
    constexpr auto r = std::memory_order_relaxed;
    return {counters_.received.load(r), counters_.malformed.load(r), counters_.sent.load(r)};
}

} // namespace rocd::transport::rtcp
