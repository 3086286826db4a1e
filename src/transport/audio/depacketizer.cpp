#include "transport/audio/depacketizer.h"

#include <algorithm>

#include "transport/audio/pcm.h"

namespace rocd::transport::audio {

namespace {

std::int32_t ts_diff(std::uint32_t a, std::uint32_t b) {
    return static_cast<std::int32_t>(b - a);
}

} // namespace

Depacketizer::Depacketizer(JitterBuffer& queue) : queue_(queue) {}

void Depacketizer::start(const rtp::Encoding& encoding, std::uint32_t timestamp) {
    encoding_ = encoding;
    next_ts_ = timestamp;
    have_last_seq_ = false;
    last_decoded_ = 0;
}

void Depacketizer::read(float* samples, std::size_t frames) {
    const std::size_t ch = encoding_.channels;
    last_decoded_ = 0;
    while (frames > 0) {
        const Packet* p = queue_.head();
        if (p == nullptr) {
            std::fill(samples, samples + frames * ch, 0.0f);
            stats_.frames_missing += frames;
            next_ts_ += static_cast<std::uint32_t>(frames);
            return;
        }
        if (!have_last_seq_ || static_cast<std::int16_t>(p->rtp.seqnum - last_seq_) > 0) {
            // First time this packet is reached: the packets skipped before it are lost.
            if (have_last_seq_) {
                stats_.packets_lost += static_cast<std::uint16_t>(p->rtp.seqnum - last_seq_ - 1);
            }
            have_last_seq_ = true;
            last_seq_ = p->rtp.seqnum;
        }
        const std::int32_t start = ts_diff(next_ts_, p->rtp.timestamp); // > 0: packet is ahead
        const std::int32_t end = start + static_cast<std::int32_t>(p->rtp.duration);
        if (end <= 0) {
            ++stats_.packets_late;
            queue_.pop();
            continue;
        }
        if (start > 0) {
            const std::size_t n = std::min(frames, static_cast<std::size_t>(start));
            std::fill(samples, samples + n * ch, 0.0f);
            stats_.frames_missing += n;
            next_ts_ += static_cast<std::uint32_t>(n);
            samples += n * ch;
            frames -= n;
            continue;
        }
        const std::size_t offset = static_cast<std::size_t>(-start);
        const std::size_t n = std::min(frames, static_cast<std::size_t>(end));
        decode_l16_be(p->rtp_payload().data() + offset * encoding_.frame_size(), n * ch, samples);
        stats_.frames_decoded += n;
        last_decoded_ += n;
        next_ts_ += static_cast<std::uint32_t>(n);
        samples += n * ch;
        frames -= n;
        if (offset + n == p->rtp.duration) {
            queue_.pop();
        }
    }
}

} // namespace rocd::transport::audio
