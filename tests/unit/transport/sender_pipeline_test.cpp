#include <gtest/gtest.h>

#include <cmath>

#include "helpers.h"
#include "transport/sender_pipeline.h"

namespace rocd::transport {
namespace {

TEST(SenderPipeline, reproduces_captured_roc_stream_byte_for_byte) {
    const auto captured = test::captured_packets("rtp.pcap");
    const auto wav = test::read_wav(rocd::test::interop_path("input-44k-stereo.wav"));
    ASSERT_EQ(wav.channels, 2);
    ASSERT_FALSE(captured.empty());

    const auto& first = captured.front().rtp;
    test::PacketQueue wire;
    SenderConfig config;
    SenderPipeline sender(config, wire,
                          std::make_unique<rtp::Sequencer>(10, first.ssrc, first.seqnum, first.timestamp));
    // Feed in odd-sized chunks: packet boundaries must not depend on them.
    std::size_t pos = 0;
    for (std::size_t chunk = 37; pos < wav.frames(); chunk = chunk * 7 % 1000 + 1) {
        const std::size_t n = std::min(chunk, wav.frames() - pos);
        sender.write(wav.samples.data() + pos * 2, n);
        pos += n;
    }
    // roc-send dropped the partial tail; so does rocd (it never sends short packets).
    ASSERT_EQ(wire.packets.size(), wav.frames() / 221);
    ASSERT_GE(wire.packets.size(), captured.size());
    for (std::size_t i = 0; i < captured.size(); ++i) {
        const Packet& ours = wire.packets[i];
        ASSERT_EQ(ours.size, captured[i].size);
        ASSERT_EQ(0, std::memcmp(ours.data.data(), captured[i].data.data(), ours.size)) << "packet " << i;
    }
    EXPECT_EQ(sender.packets_produced(), wire.packets.size());
    EXPECT_EQ(sender.packet_size(), 896u);
}

TEST(SenderPipeline, upmixes_and_resamples_mono_48k_to_l16_stereo_44k) {
    test::PacketQueue wire;
    SenderConfig config;
    config.rate = 48000;
    config.channels = 1;
    SenderPipeline sender(config, wire);
    std::vector<float> tone(48000);
    for (std::size_t i = 0; i < tone.size(); ++i) {
        tone[i] = 0.5f * std::sin(2 * 3.14159265358979 * 440 * double(i) / 48000);
    }
    sender.write(tone.data(), tone.size());
    // One second in → about one second of 44.1 kHz packets out.
    EXPECT_NEAR(double(wire.packets.size()), 44100.0 / 221, 2);
    const Packet& p = wire.packets[100];
    EXPECT_EQ(p.rtp.payload_type, 10);
    // Upmixed: left equals right in every frame.
    const auto payload = p.rtp_payload();
    for (std::size_t i = 0; i + 3 < payload.size(); i += 4) {
        ASSERT_EQ(payload[i], payload[i + 2]);
        ASSERT_EQ(payload[i + 1], payload[i + 3]);
    }
}

TEST(SenderPipeline, packet_length_sets_samples_per_packet) {
    test::PacketQueue wire;
    SenderConfig config;
    config.packet_length = std::chrono::milliseconds(2);
    SenderPipeline sender(config, wire);
    std::vector<float> silence(2 * 1000);
    sender.write(silence.data(), 1000);
    ASSERT_EQ(wire.packets.size(), 1000u / 88);
    EXPECT_EQ(wire.packets[0].rtp.duration, 88u);
    EXPECT_EQ(wire.packets[1].rtp.timestamp - wire.packets[0].rtp.timestamp, 88u);
    EXPECT_EQ(wire.packets[0].size, 12 + 88 * 4);
}

TEST(SenderConfig, rejects_bad_settings) {
    SenderConfig c;
    c.payload_type = 96;
    EXPECT_FALSE(c.validate());
    c = SenderConfig {};
    c.packet_length = std::chrono::milliseconds(50); // 2205 samples: > 2048 bytes
    EXPECT_FALSE(c.validate());
    c = SenderConfig {};
    c.channels = 0;
    EXPECT_FALSE(c.validate());
    EXPECT_TRUE(SenderConfig {}.validate());
}

} // namespace
} // namespace rocd::transport
