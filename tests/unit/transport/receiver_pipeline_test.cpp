#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "helpers.h"
#include "tone.h"
#include "transport/receiver_pipeline.h"
#include "transport/sender_pipeline.h"

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

// Found by fuzz_receiver: a windowed sinc rings on a full-scale step, so
// one sender's full-scale square wave came out of the drift-compensation
// resampler at 1.017; only a mix of several senders was clamped.
TEST(ReceiverPipeline, one_sender_at_full_scale_stays_within_full_scale) {
    test::PacketQueue wire;
    SenderPipeline sender(SenderConfig {}, wire);
    ReceiverConfig rc;
    rc.target_latency = 50ms;
    rc.resampler_backend = audio::ResamplerBackend::builtin;
    ReceiverPipeline receiver(rc, wire);
    std::vector<float> in(441 * 2), out(441 * 2);
    float peak = 0;
    for (int i = 0; i < 100; ++i) {
        for (std::size_t f = 0; f < 441; ++f) {
            in[2 * f] = in[2 * f + 1] = (f / 20) % 2 == 0 ? 1.0f : -1.0f; // 1102.5 Hz square
        }
        sender.write(in.data(), 441);
        receiver.read(out.data(), 441);
        for (float v : out) {
            peak = std::max(peak, std::abs(v));
        }
    }
    EXPECT_EQ(receiver.metrics().sessions, 1u);
    EXPECT_GT(peak, 0.9f) << "the tone plays";
    EXPECT_LE(peak, 1.0f);
}

} // namespace
} // namespace rocd::transport

namespace rocd::transport {
namespace {

// Stamps a fixed source address on each packet, as the network would.
struct FromAddress final : IPacketWriter {
    FromAddress(IPacketWriter& next, std::uint16_t port) : next(next) {
        addr = *address::SocketAddress::numeric("127.0.0.1", port);
    }
    void write(Packet& p) override {
        p.address = addr;
        p.receive_time_ns = now_ns;
        next.write(p);
    }
    IPacketWriter& next;
    address::SocketAddress addr;
    /// Arrival time stamped on the packets (0: none, not paced).
    std::int64_t now_ns = 0;
};

TEST(ReceiverPipeline, mixes_concurrent_senders_into_one_output) {
    test::PacketQueue wire;
    FromAddress a(wire, 5001), b(wire, 5002);
    SenderPipeline left(SenderConfig {}, a), right(SenderConfig {}, b);
    ReceiverConfig rc;
    rc.target_latency = 50ms;
    ReceiverPipeline receiver(rc, wire);
    std::vector<float> in_a(441 * 2), in_b(441 * 2), out, buf(441 * 2);
    double pa = 0, pb = 0;
    for (int i = 0; i < 200; ++i) {
        for (std::size_t f = 0; f < 441; ++f) {
            in_a[2 * f] = in_a[2 * f + 1] = 0.3f * float(std::sin(pa));
            in_b[2 * f] = in_b[2 * f + 1] = 0.3f * float(std::sin(pb));
            pa += 2 * 3.14159265358979 * 441 / 44100;
            pb += 2 * 3.14159265358979 * 661.5 / 44100;
        }
        left.write(in_a.data(), 441);
        right.write(in_b.data(), 441);
        receiver.read(buf.data(), 441);
        out.insert(out.end(), buf.begin(), buf.end());
    }
    const auto m = receiver.metrics();
    EXPECT_EQ(m.sessions, 2u);
    EXPECT_EQ(m.sessions_started, 2u);
    // Both tones are in the output, each with half of its energy.
    const std::size_t frames = out.size() / 2;
    const double p441 = test::tone_purity(out, 2, 0, frames - 4410, frames, 441, 44100);
    const double p661 = test::tone_purity(out, 2, 0, frames - 4410, frames, 661.5, 44100);
    EXPECT_NEAR(p441, 0.5, 0.05);
    EXPECT_NEAR(p661, 0.5, 0.05);
}

} // namespace
} // namespace rocd::transport

namespace rocd::transport {
namespace {

// Valid RTP of the real stream's format but random SSRCs and noise, from
// `addresses` source ports in turn: what anyone on the path can send.
struct Flood {
    Flood(test::PacketQueue& wire, std::uint16_t first_port, std::size_t addresses)
        : wire(wire), first_port(first_port), addresses(addresses) {}
    void inject(const Packet& like, std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            Packet p = like;
            p.rtp.ssrc = static_cast<std::uint32_t>(rng());
            p.rtp.seqnum = static_cast<std::uint16_t>(rng());
            for (auto& byte : p.rtp_payload()) {
                byte = static_cast<std::uint8_t>(rng());
            }
            p.address = *address::SocketAddress::numeric(
                "127.0.0.1", static_cast<std::uint16_t>(first_port + sent++ % addresses));
            wire.packets.push_back(p);
        }
    }
    test::PacketQueue& wire;
    std::uint16_t first_port;
    std::size_t addresses;
    std::size_t sent = 0;
    std::mt19937 rng {7};
};

struct FloodResult {
    double purity = 0; // of the 441 Hz tone in the last half second
    ReceiverMetrics metrics;
};

FloodResult play_through_flood(std::size_t addresses, std::size_t per_cycle) {
    test::PacketQueue wire;
    FromAddress real(wire, 5001);
    auto sender = std::make_unique<SenderPipeline>(SenderConfig {}, real);
    ReceiverConfig rc;
    rc.target_latency = 50ms;
    ReceiverPipeline receiver(rc, wire);
    Flood flood(wire, 6000, addresses);
    std::vector<float> in(441 * 2), out, buf(441 * 2);
    double phase = 0;
    for (int i = 0; i < 300; ++i) {
        for (std::size_t f = 0; f < 441; ++f) {
            in[2 * f] = in[2 * f + 1] = 0.3f * float(std::sin(phase));
            phase += 2 * 3.14159265358979 * 441 / 44100;
        }
        if (i == 150) {
            // The sender restarts (a new SSRC) in the middle of the flood,
            // and must find a slot again.
            sender = std::make_unique<SenderPipeline>(SenderConfig {}, real);
        }
        sender->write(in.data(), 441);
        // Once the real sender is established: fake packets every 10 ms.
        if (i >= 30 && !wire.packets.empty()) {
            flood.inject(wire.packets.front(), per_cycle);
        }
        receiver.read(buf.data(), 441);
        out.insert(out.end(), buf.begin(), buf.end());
    }
    const std::size_t frames = out.size() / 2;
    return {test::tone_purity(out, 2, 0, frames - 22050, frames, 441, 44100), receiver.metrics()};
}

void flood_test(std::size_t addresses) {
    const auto quiet = play_through_flood(addresses, 0);
    // 100 fake packets per 10 ms: 10,000 per second, each a new SSRC.
    const auto flooded = play_through_flood(addresses, 100);
    // The real sender plays through it as it plays alone.
    EXPECT_GT(quiet.purity, 0.9);
    EXPECT_NEAR(flooded.purity, quiet.purity, 0.002);
    // No fake sender holds a slot: the restarted sender found one.
    EXPECT_EQ(flooded.metrics.sessions, 1u);
    // And the counters show the flood: 27,000 packets no session took.
    EXPECT_GT(flooded.metrics.packets_unroutable, 20000u);
    EXPECT_EQ(quiet.metrics.packets_unroutable, 0u);
}

TEST(ReceiverPipeline, a_flood_of_new_ssrcs_from_one_address_does_not_silence_or_corrupt_a_sender) {
    flood_test(1);
}

TEST(ReceiverPipeline, a_flood_of_new_ssrcs_from_many_addresses_does_not_silence_or_corrupt_a_sender) {
    flood_test(1000);
}

} // namespace
} // namespace rocd::transport

namespace rocd::transport {
namespace {

// One sender that is not a sender: a single SSRC in sequence, noise, and
// `per_cycle` 5 ms packets every 10 ms of arrival time.
FloodResult play_beside_a_fast_sender(std::size_t per_cycle) {
    test::PacketQueue wire;
    FromAddress real(wire, 5001);
    SenderPipeline sender(SenderConfig {}, real);
    ReceiverConfig rc;
    rc.target_latency = 50ms;
    ReceiverPipeline receiver(rc, wire);
    std::mt19937 rng {11};
    const auto fake_address = *address::SocketAddress::numeric("127.0.0.1", 6000);
    std::uint16_t fake_seq = 100;
    std::uint32_t fake_ts = 5000;
    std::vector<float> in(441 * 2), out, buf(441 * 2);
    double phase = 0;
    for (int i = 0; i < 300; ++i) {
        const std::int64_t now = std::int64_t(i) * 10'000'000 + 1'000'000'000;
        for (std::size_t f = 0; f < 441; ++f) {
            in[2 * f] = in[2 * f + 1] = 0.3f * float(std::sin(phase));
            phase += 2 * 3.14159265358979 * 441 / 44100;
        }
        real.now_ns = now;
        sender.write(in.data(), 441);
        if (i >= 30 && !wire.packets.empty()) {
            const Packet like = wire.packets.front();
            for (std::size_t k = 0; k < per_cycle; ++k) {
                Packet p = like;
                p.rtp.ssrc = 0xF10D;
                p.rtp.seqnum = fake_seq++;
                p.rtp.timestamp = fake_ts;
                fake_ts += like.rtp.duration;
                for (auto& byte : p.rtp_payload()) {
                    byte = static_cast<std::uint8_t>(rng());
                }
                p.address = fake_address;
                p.receive_time_ns = now + std::int64_t(k) * 10'000'000 / std::int64_t(per_cycle);
                wire.packets.push_back(p);
            }
        }
        receiver.read(buf.data(), 441);
        out.insert(out.end(), buf.begin(), buf.end());
    }
    const std::size_t frames = out.size() / 2;
    return {test::tone_purity(out, 2, 0, frames - 22050, frames, 441, 44100), receiver.metrics()};
}

TEST(ReceiverPipeline, a_sender_faster_than_real_time_is_ended_and_ignored_while_it_keeps_sending) {
    // Two packets per 10 ms is a real sender's pace: a second sender, mixed.
    const auto paced = play_beside_a_fast_sender(2);
    EXPECT_EQ(paced.metrics.sessions, 2u);
    EXPECT_EQ(paced.metrics.sessions_too_fast, 0u);
    // Fifty is 25 times real time: not a sender. It is ended once its
    // packets run a burst ahead, and not heard again.
    const auto fast = play_beside_a_fast_sender(50);
    EXPECT_EQ(fast.metrics.sessions, 1u);
    EXPECT_EQ(fast.metrics.sessions_too_fast, 1u);
    EXPECT_GT(fast.metrics.packets_unroutable, 10000u);
    EXPECT_GT(fast.purity, 0.9);
    EXPECT_LT(paced.purity, 0.9); // the paced noise is heard: the measure can tell
}

TEST(ReceiverPipeline, packets_without_an_arrival_time_are_not_paced) {
    test::PacketQueue wire;
    FromAddress real(wire, 5001);
    SenderPipeline sender(SenderConfig {}, real);
    ReceiverPipeline receiver(ReceiverConfig {}, wire);
    // Four seconds of audio at once, as a file or a test feeds it.
    std::vector<float> in(441 * 2, 0.1f), buf(441 * 2);
    for (int i = 0; i < 400; ++i) {
        sender.write(in.data(), 441);
    }
    receiver.read(buf.data(), 441);
    EXPECT_EQ(receiver.metrics().sessions_too_fast, 0u);
    EXPECT_EQ(receiver.metrics().sessions, 1u);
}

} // namespace
} // namespace rocd::transport
