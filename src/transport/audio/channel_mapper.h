// Converts interleaved frames between channel counts, and the two stages
// that apply it on the sender (writer) and the receiver (reader) side.
#pragma once

#include <cstddef>
#include <vector>

#include "transport/audio/frame_io.h"

namespace rocd::transport::audio {

/// Maps `frames` frames of `in_ch` channels to `out_ch` channels:
/// mono is copied to every output channel; to mono, channels are averaged;
/// otherwise channel i goes to channel i and extra outputs are silent.
void map_channels(const float* in, std::size_t in_ch, float* out, std::size_t out_ch, std::size_t frames);

/// Push stage: maps and forwards to the next writer in fixed-size chunks.
class ChannelMapperWriter final : public IFrameWriter {
public:
    ChannelMapperWriter(IFrameWriter& next, std::size_t in_ch, std::size_t out_ch, std::size_t chunk = 256);
    void write(const float* samples, std::size_t frames) override;

private:
    IFrameWriter& next_;
    std::size_t in_ch_, out_ch_, chunk_;
    std::vector<float> buf_;
};

/// Pull stage: reads `in_ch` frames from upstream and maps them.
class ChannelMapperReader final : public IFrameReader {
public:
    /// Room is kept for up to `max_in_ch` input channels (see set_in_channels).
    ChannelMapperReader(IFrameReader& prev, std::size_t in_ch, std::size_t out_ch, std::size_t chunk = 256,
                        std::size_t max_in_ch = 8);
    void read(float* samples, std::size_t frames) override;
    /// Changes the upstream channel count (a new session); at most max_in_ch.
    void set_in_channels(std::size_t in_ch) { in_ch_ = in_ch; }

private:
    IFrameReader& prev_;
    std::size_t in_ch_, out_ch_, chunk_;
    std::vector<float> buf_;
};

} // namespace rocd::transport::audio
