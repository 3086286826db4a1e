// The two interfaces of audio stages: interleaved float frames pushed
// forward (sender) or pulled backward (receiver).
#pragma once

#include <cstddef>

namespace rocd::transport::audio {

/// Takes interleaved float frames; the channel count is the stage's own.
class IFrameWriter {
public:
    virtual ~IFrameWriter() = default;
    virtual void write(const float* samples, std::size_t frames) = 0;
};

/// Produces exactly `frames` interleaved float frames, always (silence when
/// it has nothing better).
class IFrameReader {
public:
    virtual ~IFrameReader() = default;
    virtual void read(float* samples, std::size_t frames) = 0;
};

} // namespace rocd::transport::audio
