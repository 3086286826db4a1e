// Audio I/O on one device: interleaved float frames through a lock-free ring.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace rocd::drivers {

/// Which way a stream moves frames, seen from rocd.
enum class StreamKind {
    capture,  ///< device -> rocd: from a source, or from a sink's monitor
    playback, ///< rocd -> device: into a sink (or a virtual microphone)
};

/// What to open.
struct StreamSpec {
    /// Stable device name (DeviceInfo::name).
    std::string device;
    StreamKind kind = StreamKind::capture;
    /// 0 = the device's rate / channel count.
    std::uint32_t rate = 0;
    std::uint32_t channels = 0;
    /// Ring capacity between the audio thread and rocd.
    std::chrono::nanoseconds ring_duration = std::chrono::milliseconds(200);
    /// Requested period (PipeWire node.latency); 0 = server default.
    std::uint32_t period_frames = 0;
    /// Human name of the stream on the server (media.name).
    std::string display_name = "rocd";
    /// Diagnostics: record each audio callback's duration (bench/driver).
    bool measure_callback_cost = false;
};

/// Format the server and rocd agreed on: interleaved 32-bit float.
struct StreamFormat {
    std::uint32_t rate = 0;
    std::uint32_t channels = 0;
};

/// Counters of a stream, read from any thread.
struct StreamStats {
    /// Frames moved by the audio thread since open.
    std::uint64_t frames = 0;
    /// Capture: periods whose frames did not all fit in the ring (consumer too slow).
    std::uint64_t overruns = 0;
    /// Playback: periods the ring could not fill (producer too slow); counted
    /// only once the first frame was written.
    std::uint64_t underruns = 0;
    /// Frames dropped (capture) or replaced by silence (playback) by those xruns.
    std::uint64_t xrun_frames = 0;
    /// Audio-thread callbacks run.
    std::uint64_t periods = 0;
    /// True while the server is connected and the stream is running.
    bool connected = false;
};

/// An open capture or playback stream. read() / write() are for ONE consumer
/// (resp. producer) thread: the ring is single-producer single-consumer.
/// Everything else may be called from any thread. Close (or destroy) every
/// stream before destroying the driver that opened it.
class AudioStream {
public:
    virtual ~AudioStream() = default;

    virtual StreamKind kind() const = 0;
    virtual const std::string& device() const = 0;
    virtual StreamFormat format() const = 0;
    /// The device's reported latency plus what the server has queued.
    virtual std::chrono::nanoseconds latency() const = 0;

    /// Capture: pops up to `frames.size() / channels` whole frames; returns
    /// how many frames it copied. Never blocks.
    virtual std::size_t read(std::span<float> frames) = 0;
    /// Playback: pushes up to `frames.size() / channels` whole frames;
    /// returns how many frames fit. Never blocks.
    virtual std::size_t write(std::span<const float> frames) = 0;
    /// Frames that read() can return now / write() can accept now.
    virtual std::size_t available() const = 0;

    virtual StreamStats stats() const = 0;

    /// Diagnostics: durations in ns of the audio-thread callbacks since the
    /// last call, when StreamSpec::measure_callback_cost was set.
    virtual std::size_t read_callback_costs(std::span<std::uint32_t> /*ns*/) { return 0; }

    /// Stops the stream on the server; read()/write() return 0 afterwards.
    /// Idempotent; the destructor calls it.
    virtual void close() = 0;
};

} // namespace rocd::drivers
