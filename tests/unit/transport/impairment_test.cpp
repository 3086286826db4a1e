// Loss, bursts, reordering, duplication and late packets between a sender
// and a receiver, through an in-process impaired relay on a virtual clock.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "helpers.h"
#include "tone.h"
#include "transport/receiver_pipeline.h"
#include "transport/sender_pipeline.h"

namespace rocd::transport {
namespace {

using namespace std::chrono_literals;

/// Holds packets until their (virtual) delivery time; drops, duplicates,
/// delays and reorders them, and remembers what it did.
class ImpairedRelay final : public IPacketWriter, public IPacketReader {
public:
    explicit ImpairedRelay(unsigned seed) : rng_(seed) {}

    void write(Packet& p) override {
        const std::uint64_t i = sent_++;
        const bool clean = i < 100 || i >= clean_after_;
        std::uniform_real_distribution<double> u(0, 1);
        if (!clean && (u(rng_) < 0.05 || i % 500 < 6)) { // 5 % random loss + bursts of 6
            ++dropped_;
            return;
        }
        double delay_ms = u(rng_) * 30; // jitter up to 30 ms: reorders neighbours
        if (!clean && u(rng_) < 0.005) {
            delay_ms = 450; // far beyond the 200 ms target: late
            ++late_;
        } else if (!clean && u(rng_) < 0.03) {
            queue_.emplace(now_ms_ + delay_ms + 1 + u(rng_) * 10, p);
            ++duplicated_;
        }
        queue_.emplace(now_ms_ + delay_ms, p);
    }

    bool read(Packet& p) override {
        auto it = queue_.begin();
        if (it == queue_.end() || it->first > now_ms_) {
            return false;
        }
        p = it->second;
        queue_.erase(it);
        return true;
    }

    void advance(double ms) { now_ms_ += ms; }
    void stop_impairing_after(std::uint64_t n) { clean_after_ = n; }

    std::uint64_t dropped_ = 0, duplicated_ = 0, late_ = 0, sent_ = 0;

private:
    std::mt19937 rng_;
    std::multimap<double, Packet> queue_;
    double now_ms_ = 0;
    std::uint64_t clean_after_ = UINT64_MAX;
};

void run_impaired(unsigned seed) {
    ImpairedRelay relay(seed);
    ReceiverConfig rc; // 200 ms target, drift compensation on: Roc's defaults
    SenderPipeline sender(SenderConfig {}, relay);
    ReceiverPipeline receiver(rc, relay);

    constexpr std::size_t Step = 441;
    const int steps = 2000; // 20 s
    relay.stop_impairing_after(static_cast<std::uint64_t>(steps - 100) * 2);
    const std::vector<float> out = test::play_tone_through(sender, relay, receiver, steps, 60);
    const auto m = receiver.metrics();
    // One session from start to end: the stream never broke.
    EXPECT_EQ(m.sessions_started, 1u);
    // Every packet not dropped and not late was played; duplicates were
    // recognised; dropped and late packets are the losses.
    EXPECT_EQ(m.packets_duplicate, relay.duplicated_);
    EXPECT_EQ(m.packets_late, relay.late_);
    EXPECT_EQ(m.packets_lost, relay.dropped_ + relay.late_);
    EXPECT_EQ(m.packets_received, relay.sent_ - relay.dropped_ - relay.late_);
    EXPECT_EQ(m.packets_rejected, 0u);
    // Output is continuous where packets arrived: between the losses the
    // tone is clean, and silence was inserted only for missing packets.
    const std::size_t lost_frames = (relay.dropped_ + relay.late_) * 221;
    EXPECT_GE(m.frames_missing, lost_frames);
    std::printf("seed %u: sent %lu dropped %lu late %lu dup %lu -> lost %lu late %lu dup %lu\n", seed,
                (unsigned long)relay.sent_, (unsigned long)relay.dropped_, (unsigned long)relay.late_,
                (unsigned long)relay.duplicated_, (unsigned long)m.packets_lost,
                (unsigned long)m.packets_late, (unsigned long)m.packets_duplicate);
    // The unimpaired tail (the last 100 packets, about 0.5 s, played one
    // target latency later) is a clean tone again.
    const std::size_t end = steps * Step + 8820 - 4410;
    EXPECT_GT(test::min_tone_purity(out, 2, 0, end - 13230, end, 440, 44100), 0.95);
}

TEST(Impairment, survives_loss_bursts_reordering_duplicates_and_late_packets) {
    for (unsigned seed : {1u, 2u, 3u}) {
        run_impaired(seed);
    }
}

} // namespace
} // namespace rocd::transport
