#include "transport/receiver_config.h"

#include <algorithm>
#include <cmath>

#include "core/audio_limits.h"
#include "transport/config_checks.h"

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
    for (auto st : {limits::check_rate(rate), limits::check_stream_channels(channels),
                    check_target_latency(target_latency), check_latency_tolerance(latency_tolerance),
                    check_latency_tolerance(no_playback_timeout, "no_playback_timeout"),
                    check_resampler_quality(resampler_quality)}) {
        if (!st) {
            return st;
        }
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
