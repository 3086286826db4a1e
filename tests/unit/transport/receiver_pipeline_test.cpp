#include <gtest/gtest.h>

#include <algorithm>

#include "helpers.h"
#include "transport/receiver_pipeline.h"

namespace rocd::transport {
namespace {

using namespace std::chrono_literals;

ReceiverConfig intact_config() {
    ReceiverConfig c;
    c.drift_compensation = false; // Roc's "intact" profile: no resampler at 44.1 kHz
    return c;
}

TEST(ReceiverPipeline, decodes_captured_roc_stream_to_the_source_wav_exactly) {
    const auto captured = test::captured_packets("rtp.pcap");
    const auto wav = test::read_wav(rocd::test::interop_path("input-44k-stereo.wav"));
    test::PacketQueue wire;
    ReceiverPipeline receiver(intact_config(), wire);

    // One packet per 5 ms of playback, as they arrived.
    std::vector<float> out;
    std::vector<float> buf(221 * 2);
    for (std::size_t i = 0; i < captured.size() + 60; ++i) {
        if (i < captured.size()) {
            wire.packets.push_back(captured[i]);
        }
        receiver.read(buf.data(), 221);
        out.insert(out.end(), buf.begin(), buf.end());
    }
    // Find where playback starts: the first frame that is not silence.
    std::size_t start = 0;
    while (start < out.size() && out[start] == 0.0f) {
        ++start;
    }
    start -= start % 2;
    ASSERT_LT(start, out.size());
    // It starts after one target latency of buffering (40 packets = 200 ms).
    EXPECT_NEAR(double(start / 2), 8840.0, 221.0);
    // Playback starts exactly one target latency before the newest packet,
    // i.e. somewhere inside the first packet: find which source frame.
    std::size_t offset = 0;
    while (offset < 221 && !std::equal(wav.samples.begin() + offset * 2,
                                       wav.samples.begin() + offset * 2 + 64, out.begin() + start)) {
        ++offset;
    }
    ASSERT_LT(offset, 221u);
    const std::size_t n = captured.size() * 221 * 2 - offset * 2;
    ASSERT_LE(start + n, out.size());
    for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(out[start + i], wav.samples[offset * 2 + i]) << "sample " << i;
    }
    // Then silence: the stream ended.
    EXPECT_EQ(out[start + n], 0.0f);
    const auto m = receiver.metrics();
    EXPECT_EQ(m.packets_received, captured.size());
    EXPECT_EQ(m.packets_lost, 0u);
    EXPECT_EQ(m.packets_late, 0u);
    EXPECT_EQ(m.sessions_started, 1u);
}

} // namespace
} // namespace rocd::transport
