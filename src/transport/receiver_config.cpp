#include "transport/receiver_config.h"

#include <algorithm>
#include <cmath>

namespace rocd::transport {

core::Duration default_latency_tolerance(core::Duration target) {
    const double t = std::max(1e6, double(target.count()));
    return core::Duration(static_cast<std::int64_t>(t * std::log(4e8) / std::log(2 * t)));
}

std::size_t ReceiverConfig::effective_session_packets() const {
    if (session_packets > 0) {
        return session_packets;
    }
    // Room for the largest allowed latency (+25 %) in 2 ms packets; Roc's
    // default is 5 ms. Smaller packets at a long latency need more slots.
    const auto span = (target_latency + effective_tolerance()) * 5 / 4;
    return std::max<std::size_t>(64, static_cast<std::size_t>(span / std::chrono::milliseconds(2)));
}

Status ReceiverConfig::validate() const {
    if (rate < 8000 || rate > 192000) {
        return fail(Errc::invalid_argument, "rate must be 8000..192000 Hz", "rate");
    }
    if (channels < 1 || channels > 8) {
        return fail(Errc::invalid_argument, "channels must be 1..8", "channels");
    }
    if (target_latency < std::chrono::milliseconds(1) || target_latency > std::chrono::seconds(10)) {
        return fail(Errc::invalid_argument, "target latency must be 1ms..10s", "target_latency");
    }
    if (latency_tolerance.count() < 0 || no_playback_timeout.count() < 0) {
        return fail(Errc::invalid_argument, "durations must not be negative", "latency_tolerance");
    }
    if (max_sessions < 1 || max_sessions > 64) {
        return fail(Errc::invalid_argument, "max sessions must be 1..64", "max_sessions");
    }
    if (max_scaling_delta <= 0 || max_scaling_delta > 0.1) {
        return fail(Errc::invalid_argument, "max scaling delta must be in (0, 0.1]", "max_scaling_delta");
    }
    if (queue_packets < 16 || effective_session_packets() > 65536 / 2) {
        return fail(Errc::invalid_argument, "queue sizes out of range", "queue_packets");
    }
    return {};
}

} // namespace rocd::transport
