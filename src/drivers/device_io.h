// Audio I/O on one device: interleaved float frames through a lock-free
// ring. "Stream" is the API's resource; a device's capture or playback is
// device I/O.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace rocd::drivers {

/// Which way device I/O moves frames, seen from rocd.
enum class IoKind {
    capture,  ///< device -> rocd: from a source, or from a sink's monitor
    playback, ///< rocd -> device: into a sink (or a virtual microphone)
};

/// What to open.
struct DeviceIoSpec {
    /// Stable device name (DeviceInfo::name).
    std::string device;
    IoKind kind = IoKind::capture;
    /// 0 = the device's rate / channel count.
    std::uint32_t rate = 0;
    std::uint32_t channels = 0;
    /// Ring capacity between the audio thread and rocd.
    std::chrono::nanoseconds ring_duration = std::chrono::milliseconds(200);
    /// Requested period (PipeWire node.latency); 0 = server default.
    std::uint32_t period_frames = 0;
    /// Human name of the I/O on the server (PipeWire media.name).
    std::string display_name = "rocd";
    /// Diagnostics: record each audio callback's duration (bench/driver).
    bool measure_callback_cost = false;
};

/// Format the server and rocd agreed on: interleaved 32-bit float.
struct IoFormat {
    std::uint32_t rate = 0;
    std::uint32_t channels = 0;
};

/// Counters of device I/O, read from any thread.
struct IoStats {
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
    /// True while the server is connected and the I/O is running.
    bool connected = false;
};

/// An open capture or playback on a device. read() / write() are for ONE
/// consumer (resp. producer) thread: the ring is single-producer
/// single-consumer. Everything else may be called from any thread. Close
/// (or destroy) every DeviceIo before destroying the driver that opened it.
class DeviceIo {
public:
    virtual ~DeviceIo() = default;

    virtual IoKind kind() const = 0;
    virtual const std::string& device() const = 0;
    virtual IoFormat format() const = 0;
    /// The device's reported latency plus what the server has queued.
    virtual std::chrono::nanoseconds latency() const = 0;

    /// Capture: pops up to `frames.size() / channels` whole frames; returns
    /// how many frames it copied. Never blocks.
    virtual std::size_t read(std::span<float> frames) = 0;
    /// Playback: pushes up to `frames.size() / channels` whole frames;
    /// returns how many frames fit. Never blocks.
    virtual std::size_t write(std::span<const float> frames) = 0;
    /// Capture: frames read() can return now (0 for playback).
    virtual std::size_t readable_frames() const = 0;
    /// Playback: frames write() can accept now (0 for capture).
    virtual std::size_t writable_frames() const = 0;

    virtual IoStats stats() const = 0;

    /// Diagnostics: durations in ns of the audio-thread callbacks since the
    /// last call, when DeviceIoSpec::measure_callback_cost was set.
    virtual std::size_t read_callback_costs(std::span<std::uint32_t> /*ns*/) { return 0; }

    /// Stops the I/O on the server; read()/write() return 0 afterwards.
    /// Idempotent; the destructor calls it.
    virtual void close() = 0;
};

} // namespace rocd::drivers
