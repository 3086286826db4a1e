// Settings of a receiver: plain data, filled by the daemon or rocd-recv.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/error.h"
#include "transport/audio/resampler.h"
#include "transport/core/duration.h"
#include "transport/endpoint.h"

namespace rocd::transport {

/// Roc's default latency tolerance for a target (WIRE.md §7):
/// tol = T·ln(4e8)/ln(2·T), T in ns, at least 1 ms.
core::Duration default_latency_tolerance(core::Duration target);

/// Everything a receiver needs. Zero durations mean "Roc's default".
struct ReceiverConfig {
    /// Local bind address of source packets (rtp://0.0.0.0:10001). Required
    /// for a networked Receiver; ignored by ReceiverPipeline.
    std::optional<Endpoint> source;
    /// FEC repair and RTCP control endpoints: not supported yet.
    std::optional<Endpoint> repair;
    std::optional<Endpoint> control;

    /// The local (playback) side: what read() produces.
    std::uint32_t rate = 44100;
    std::uint32_t channels = 2;

    /// Queue latency held (Roc: 200 ms).
    core::Duration target_latency = std::chrono::milliseconds(200);
    /// A session whose latency leaves target ± tolerance is restarted.
    core::Duration latency_tolerance {0};
    /// A session that plays nothing (no packets, or only late ones) for
    /// this long ends (Roc: target·4/3).
    core::Duration no_playback_timeout {0};

    /// Resample to hold the latency and absorb clock drift (Roc's default
    /// profile). Off = Roc's "intact": bit-exact when rates match.
    bool drift_compensation = true;
    /// speex (Roc's default) or the lighter builtin kernel (same rates only).
    audio::ResamplerBackend resampler_backend = audio::ResamplerBackend::speex;
    /// speex quality 0..10 (Roc "medium" = 5).
    int resampler_quality = 5;
    /// Clamp of the resampler scaling around 1.
    double max_scaling_delta = 0.01;

    /// Senders played (and mixed) at once; their storage is allocated up front.
    std::size_t max_sessions = 4;
    /// Packets a session's jitter buffer holds (0: derived from the latency).
    std::size_t session_packets = 0;
    /// Ring between the network thread and the audio side, in packets.
    std::size_t queue_packets = 128;
    /// Packets per second one source address may send to each port (source,
    /// repair); the rest is dropped on the network thread. A sender of 1 ms
    /// packets sends 1,000; a flood from one address is capped here.
    std::uint32_t max_source_rate = 4000;

    core::Duration effective_tolerance() const {
        return latency_tolerance.count() > 0 ? latency_tolerance : default_latency_tolerance(target_latency);
    }
    core::Duration effective_no_playback_timeout() const {
        return no_playback_timeout.count() > 0 ? no_playback_timeout : target_latency * 4 / 3;
    }
    std::size_t effective_session_packets() const;

    /// Checks ranges; names the offending field.
    Status validate() const;
};

} // namespace rocd::transport
