#include "streams/stream_metrics.h"

#include <algorithm>

namespace rocd::streams {

namespace {

double ms_of(transport::core::Duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

} // namespace

StreamMetrics measure(const RunningStream& r) {
    StreamMetrics out;
    for (const auto* audio : {r.capture.get(), r.playback.get()}) {
        if (audio != nullptr) {
            const auto stats = audio->stats();
            out.xruns += stats.overruns + stats.underruns;
        }
    }
    out.frames = (r.receiver ? r.receive_slot : r.send_slot).frames.load(std::memory_order_relaxed);
    if (r.sender) {
        const auto m = r.sender->metrics();
        out.packets_sent = m.packets_sent;
        // A send stream with a control address learns the far end's view
        // over RTCP; a local one reads its own receiver below.
        if (!r.receiver && m.have_receiver_report) {
            out.packets_lost = std::max<std::int64_t>(0, m.cumulative_lost);
            out.jitter_ms = ms_of(m.jitter);
            if (m.niq_latency.count() >= 0) {
                out.latency_ms = ms_of(m.niq_latency);
            }
        }
        if (m.rtt.count() >= 0) {
            out.rtt_ms = ms_of(m.rtt);
        }
    }
    if (r.receiver) {
        const auto m = r.receiver->metrics();
        out.packets_received = m.packets_received;
        out.packets_lost = static_cast<std::int64_t>(m.packets_lost);
        out.packets_recovered = m.packets_recovered;
        out.packets_late = m.packets_late;
        out.packets_unroutable = m.packets_unroutable;
        out.packets_rate_limited = m.packets_rate_limited;
        out.sessions = m.sessions;
        out.latency_ms = ms_of(m.latency);
        out.jitter_ms = ms_of(m.jitter);
        out.scaling = m.scaling;
    }
    return out;
}

} // namespace rocd::streams
