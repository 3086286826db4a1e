#include "transport/audio/channel_mapper.h"

#include <algorithm>

namespace rocd::transport::audio {

void map_channels(const float* in, std::size_t in_ch, float* out, std::size_t out_ch, std::size_t frames) {
    for (std::size_t f = 0; f < frames; ++f) {
        const float* src = in + f * in_ch;
        float* dst = out + f * out_ch;
        if (in_ch == 1) {
            std::fill(dst, dst + out_ch, src[0]);
        } else if (out_ch == 1) {
            float sum = 0;
            for (std::size_t c = 0; c < in_ch; ++c) {
                sum += src[c];
            }
            dst[0] = sum / static_cast<float>(in_ch);
        } else {
            for (std::size_t c = 0; c < out_ch; ++c) {
                dst[c] = c < in_ch ? src[c] : 0.0f;
            }
        }
    }
}

ChannelMapperWriter::ChannelMapperWriter(IFrameWriter& next, std::size_t in_ch, std::size_t out_ch,
                                         std::size_t chunk)
    : next_(next), in_ch_(in_ch), out_ch_(out_ch), chunk_(chunk), buf_(chunk * out_ch) {}

void ChannelMapperWriter::write(const float* samples, std::size_t frames) {
    while (frames > 0) {
        const std::size_t n = std::min(frames, chunk_);
        map_channels(samples, in_ch_, buf_.data(), out_ch_, n);
        next_.write(buf_.data(), n);
        samples += n * in_ch_;
        frames -= n;
    }
}

ChannelMapperReader::ChannelMapperReader(IFrameReader& prev, std::size_t in_ch, std::size_t out_ch,
                                         std::size_t chunk, std::size_t max_in_ch)
    : prev_(prev), in_ch_(in_ch), out_ch_(out_ch), chunk_(chunk), buf_(chunk * std::max(in_ch, max_in_ch)) {}

void ChannelMapperReader::read(float* samples, std::size_t frames) {
    if (in_ch_ == out_ch_) {
        prev_.read(samples, frames);
        return;
    }
    while (frames > 0) {
        const std::size_t n = std::min(frames, chunk_);
        prev_.read(buf_.data(), n);
        map_channels(buf_.data(), in_ch_, samples, out_ch_, n);
        samples += n * out_ch_;
        frames -= n;
    }
}

} // namespace rocd::transport::audio
