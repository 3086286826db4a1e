// The FEC packet stages: block writer against Roc's captures byte for
// byte, block reader restoring dropped packets sample-exact, and both
// through an impaired relay.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "helpers.h"
#include "tone.h"
#include "transport/fec/block_writer.h"
#include "transport/fec/fec_packets.h"
#include "transport/receiver_pipeline.h"
#include "transport/sender_pipeline.h"

namespace rocd::transport {
namespace {

using fec::FecScheme;

Endpoint endpoint(const char* uri) {
    const auto iface = std::string(uri).rfind("rtp", 0) == 0 ? Interface::source : Interface::repair;
    return *parse_endpoint(uri, iface);
}

const char* source_uri(FecScheme s) {
    return s == FecScheme::rs8m ? "rtp+rs8m://127.0.0.1:10001" : "rtp+ldpc://127.0.0.1:10001";
}

/// The source (10001) and repair (10002) datagrams of a capture, in order,
/// parsed; `repair` says which is which.
struct Captured {
    std::vector<Packet> packets;
    std::vector<bool> repair;
};

Captured read_fec_capture(const char* pcap, FecScheme scheme) {
    Captured c;
    fec::FecSourceParser sp(scheme);
    fec::FecRepairParser rp(scheme);
    for (const auto& d : rocd::test::read_pcap_udp(rocd::test::interop_path(pcap))) {
        if (d.dst_port != 10001 && d.dst_port != 10002) {
            continue;
        }
        Packet p = test::packet_from(d.payload);
        const bool is_repair = d.dst_port == 10002;
        EXPECT_TRUE(is_repair ? rp.parse(p) : sp.parse(p));
        c.packets.push_back(p);
        c.repair.push_back(is_repair);
    }
    return c;
}

void check_sender_reproduces(const char* pcap, FecScheme scheme) {
    const auto cap = read_fec_capture(pcap, scheme);
    ASSERT_GT(cap.packets.size(), 100u);
    ASSERT_FALSE(cap.repair.front());
    const Packet& first = cap.packets.front();
    ASSERT_EQ(first.fec.encoding_symbol_id, 0); // the stream starts at a block boundary
    const auto wav = test::read_wav(rocd::test::interop_path("input-44k-stereo.wav"));

    test::PacketQueue wire;
    SenderConfig config;
    config.source = endpoint(source_uri(scheme));
    SenderPipeline sender(
        config, wire,
        std::make_unique<rtp::Sequencer>(10, first.rtp.ssrc, first.rtp.seqnum, first.rtp.timestamp),
        static_cast<std::uint16_t>(first.fec.source_block_number));
    std::size_t pos = 0;
    for (std::size_t chunk = 441; pos < wav.frames(); chunk = chunk * 7 % 1000 + 1) {
        const std::size_t n = std::min(chunk, wav.frames() - pos);
        sender.write(wav.samples.data() + pos * 2, n);
        pos += n;
    }
    ASSERT_GE(wire.packets.size(), cap.packets.size());
    std::size_t repairs = 0;
    for (std::size_t i = 0; i < cap.packets.size(); ++i) {
        const Packet& ours = wire.packets[i];
        const Packet& theirs = cap.packets[i];
        ASSERT_EQ(ours.has(PacketFlag_Repair), cap.repair[i]) << "datagram " << i;
        ASSERT_EQ(ours.size, theirs.size) << "datagram " << i;
        ASSERT_EQ(0, std::memcmp(ours.data.data(), theirs.data.data(), ours.size)) << "datagram " << i;
        repairs += cap.repair[i];
    }
    EXPECT_EQ(repairs, 220u); // 22 whole blocks of 18 + 10 in the 2 s capture
    std::printf("%s: %zu datagrams (%zu repair) identical\n", pcap, cap.packets.size(), repairs);
}

TEST(FecWriter, reproduces_rs8m_capture_source_and_repair_byte_for_byte) {
    check_sender_reproduces("rs8m.pcap", FecScheme::rs8m);
}

TEST(FecWriter, reproduces_ldpc_capture_source_and_repair_byte_for_byte) {
    check_sender_reproduces("ldpc.pcap", FecScheme::ldpc_staircase);
}

TEST(FecWriter, block_size_change_takes_effect_at_the_next_block) {
    test::PacketQueue wire;
    fec::BlockWriter w(wire, FecScheme::rs8m, 4, 2, 0xFFFF);
    Packet p;
    p.reset();
    p.size = 100;
    for (int i = 0; i < 2; ++i) {
        Packet q = p;
        w.write(q);
    }
    EXPECT_TRUE(w.set_block_size(3, 1));
    EXPECT_FALSE(w.set_block_size(200, 100));
    for (int i = 0; i < 2 + 3; ++i) {
        Packet q = p;
        w.write(q);
    }
    // 4 sources + 2 repairs (SBN 0xFFFF, k=4), then 3 sources + 1 repair (SBN wrapped to 0, k=3).
    ASSERT_EQ(wire.packets.size(), 10u);
    EXPECT_TRUE(wire.packets[4].has(PacketFlag_Repair));
    EXPECT_EQ(wire.packets[4].fec.source_block_number, 0xFFFFu);
    EXPECT_EQ(wire.packets[6].fec.source_block_number, 0u);
    EXPECT_EQ(wire.packets[6].fec.source_block_length, 3);
    EXPECT_EQ(wire.packets[6].size, 106);
    EXPECT_TRUE(wire.packets[9].has(PacketFlag_Repair));
    EXPECT_FALSE(fec::BlockWriter::valid_block_size(FecScheme::ldpc_staircase, 10, 5));
    EXPECT_TRUE(fec::BlockWriter::valid_block_size(FecScheme::rs8m, 10, 5));
}

/// Plays `packets` through a receiver (one 221-frame read per source
/// packet, as they would arrive) and returns the output.
std::vector<float> play(ReceiverPipeline& receiver, test::PacketQueue& wire, const Captured& cap,
                        const std::set<std::size_t>& drop) {
    std::vector<float> out, buf(221 * 2);
    for (std::size_t i = 0; i < cap.packets.size(); ++i) {
        if (!drop.count(i)) {
            wire.packets.push_back(cap.packets[i]);
        }
        if (!cap.repair[i]) {
            receiver.read(buf.data(), 221);
            out.insert(out.end(), buf.begin(), buf.end());
        }
    }
    for (int i = 0; i < 80; ++i) {
        receiver.read(buf.data(), 221);
        out.insert(out.end(), buf.begin(), buf.end());
    }
    return out;
}

ReceiverConfig fec_receiver_config(FecScheme scheme) {
    ReceiverConfig c;
    c.drift_compensation = false; // bit-exact output
    c.source = endpoint(source_uri(scheme));
    return c;
}

/// Index of the first sample of `wav` where `out` starts playing, and
/// whether every sample of `frames` source frames from there is exact.
std::size_t count_exact(const std::vector<float>& out, const test::Audio& wav, std::size_t* start_out) {
    std::size_t start = 0;
    while (start < out.size() && out[start] == 0.0f) {
        ++start;
    }
    start -= start % 2;
    std::size_t offset = 0;
    while (offset < 221 && !std::equal(wav.samples.begin() + offset * 2,
                                       wav.samples.begin() + offset * 2 + 64, out.begin() + start)) {
        ++offset;
    }
    *start_out = start;
    std::size_t i = 0;
    while (start + i < out.size() && offset * 2 + i < wav.samples.size() &&
           out[start + i] == wav.samples[offset * 2 + i]) {
        ++i;
    }
    return i / 2 + offset;
}

void check_restores(const char* pcap, FecScheme scheme, std::size_t per_block) {
    const auto cap = read_fec_capture(pcap, scheme);
    const auto wav = test::read_wav(rocd::test::interop_path("input-44k-stereo.wav"));
    // Drop `per_block` packets (sources first, some repairs) of every block,
    // including the very first packet of the stream's second block.
    std::set<std::size_t> drop;
    std::mt19937 rng(7);
    std::size_t sources = 0, dropped_sources = 0;
    for (std::size_t i = 0; i < cap.packets.size(); ++i) {
        sources += !cap.repair[i];
    }
    std::vector<std::size_t> block;
    for (std::size_t i = 0; i < cap.packets.size(); ++i) {
        block.push_back(i);
        const bool last = i + 1 == cap.packets.size() || cap.packets[i + 1].fec.source_block_number !=
                                                             cap.packets[i].fec.source_block_number;
        if (!last) {
            continue;
        }
        // Leave the first block whole so the session starts; the stream's
        // last (incomplete) block has no repairs.
        if (block.size() == 28 && block.front() != 0) {
            std::shuffle(block.begin() + 1, block.end(), rng);
            drop.insert(block.front()); // ESI 0
            for (std::size_t j = 1; j < per_block; ++j) {
                drop.insert(block[j]);
            }
        }
        block.clear();
    }
    for (std::size_t i : drop) {
        dropped_sources += !cap.repair[i];
    }
    test::PacketQueue wire;
    ReceiverPipeline receiver(fec_receiver_config(scheme), wire);
    const auto out = play(receiver, wire, cap, drop);
    const auto m = receiver.metrics();
    std::size_t start = 0;
    const std::size_t exact = count_exact(out, wav, &start);
    // Everything the capture carried comes out exact (roc-send dropped the tail).
    EXPECT_EQ(exact, sources * 221) << pcap;
    EXPECT_EQ(m.packets_lost, 0u);
    EXPECT_EQ(m.packets_recovered, dropped_sources);
    EXPECT_EQ(m.sessions_started, 1u);
    EXPECT_EQ(m.fec_dropped, 0u);
    std::printf("%s: dropped %zu packets (%zu sources), recovered %lu\n", pcap, drop.size(), dropped_sources,
                (unsigned long)m.packets_recovered);
}

TEST(FecReader, restores_dropped_rs8m_packets_to_the_exact_samples) {
    check_restores("rs8m.pcap", FecScheme::rs8m, 10); // RS is MDS: any 10 of 28
}

TEST(FecReader, restores_dropped_ldpc_packets_to_the_exact_samples) {
    check_restores("ldpc.pcap", FecScheme::ldpc_staircase, 3);
}

TEST(FecReader, beyond_capacity_leaves_a_clean_counted_gap) {
    const auto cap = read_fec_capture("rs8m.pcap", FecScheme::rs8m);
    const auto wav = test::read_wav(rocd::test::interop_path("input-44k-stereo.wav"));
    // Block 5 (packets 140..167): drop 11 of its 28 packets, all sources.
    std::set<std::size_t> drop;
    for (std::size_t i = 142; i < 153; ++i) {
        ASSERT_FALSE(cap.repair[i]);
        drop.insert(i);
    }
    test::PacketQueue wire;
    ReceiverPipeline receiver(fec_receiver_config(FecScheme::rs8m), wire);
    const auto out = play(receiver, wire, cap, drop);
    const auto m = receiver.metrics();
    EXPECT_EQ(m.packets_lost, 11u);
    EXPECT_EQ(m.packets_recovered, 0u);
    // Output: exact up to the gap, then exactly 11 packets of silence, then exact again.
    std::size_t start = 0;
    const std::size_t exact = count_exact(out, wav, &start);
    const std::size_t gap_frame = exact; // first source frame not played
    EXPECT_EQ(gap_frame % 221, 0u);
    const std::size_t out_gap = start / 2 + (exact - (exact - (exact)));
    (void)out_gap;
    std::size_t offset = 0;
    while (offset < 221 && !std::equal(wav.samples.begin() + offset * 2,
                                       wav.samples.begin() + offset * 2 + 64, out.begin() + start)) {
        ++offset;
    }
    const std::size_t gap_out = start / 2 + (gap_frame - offset);
    for (std::size_t f = gap_out; f < gap_out + 11 * 221; ++f) {
        ASSERT_EQ(out[2 * f], 0.0f);
        ASSERT_EQ(out[2 * f + 1], 0.0f);
    }
    const std::size_t resume_src = gap_frame + 11 * 221;
    for (std::size_t i = 0; i < 221 * 2 * 50; ++i) {
        ASSERT_EQ(out[2 * (gap_out + 11 * 221) + i], wav.samples[2 * resume_src + i]) << i;
    }
}

TEST(FecReader, repair_packets_never_create_a_session_and_foreign_ones_are_ignored) {
    const auto cap = read_fec_capture("rs8m.pcap", FecScheme::rs8m);
    test::PacketQueue wire;
    ReceiverPipeline receiver(fec_receiver_config(FecScheme::rs8m), wire);
    std::vector<float> buf(221 * 2);
    for (std::size_t i = 0; i < cap.packets.size(); ++i) {
        if (cap.repair[i]) {
            wire.packets.push_back(cap.packets[i]);
        }
    }
    receiver.read(buf.data(), 221);
    EXPECT_EQ(receiver.metrics().sessions_started, 0u);
    EXPECT_EQ(receiver.metrics().packets_unroutable, 220u);
    // With a session (a new sender's from its second packet), repairs from
    // another address are not its own.
    wire.packets.push_back(cap.packets[0]);
    wire.packets.push_back(cap.packets[1]);
    Packet foreign = cap.packets[18];
    ASSERT_TRUE(foreign.has(PacketFlag_Repair));
    foreign.address = *address::SocketAddress::numeric("127.0.0.1", 5555);
    wire.packets.push_back(foreign);
    receiver.read(buf.data(), 221);
    EXPECT_EQ(receiver.metrics().sessions_started, 1u);
    EXPECT_EQ(receiver.metrics().repair_received, 0u);
}

TEST(FecReader, inconsistent_block_shapes_and_sbn_jumps_are_counted_not_used) {
    test::PacketQueue restored;
    fec::BlockReader reader(FecScheme::rs8m, restored);
    const auto cap = read_fec_capture("rs8m.pcap", FecScheme::rs8m);
    Packet a = cap.packets[0];
    reader.add_source(a);
    Packet b = cap.packets[1];
    b.fec.source_block_length = 17; // disagrees with the block's first packet
    reader.add_source(b);
    Packet c = cap.packets[2];
    c.fec.payload_size -= 1; // another symbol size
    reader.add_source(c);
    EXPECT_EQ(reader.stats().dropped, 2u);
    Packet far = cap.packets[3];
    far.fec.source_block_number += 1000;
    reader.add_source(far);
    EXPECT_EQ(reader.stats().sbn_jumps, 1u);
    EXPECT_TRUE(restored.packets.empty());
}

/// Random (and optional burst) loss on every packet (about 3100 in all), plus up to 20 ms of
/// delivery jitter, on a virtual clock.
class LossyRelay final : public IPacketWriter, public IPacketReader {
public:
    LossyRelay(unsigned seed, double loss, std::size_t burst_every = 0, std::size_t burst = 0)
        : rng_(seed), loss_(loss), burst_every_(burst_every), burst_(burst) {}

    void write(Packet& p) override {
        const std::uint64_t i = sent_++;
        sources_ += !p.has(PacketFlag_Repair);
        std::uniform_real_distribution<double> u(0, 1);
        const bool in_burst = burst_every_ && i % burst_every_ >= burst_every_ - burst_;
        // The first packets start the session; the last ones (the stream's
        // final block, which never gets repairs) go through clean.
        if (i >= 200 && i < 2900 && (in_burst || u(rng_) < loss_)) {
            ++dropped_;
            return;
        }
        queue_.emplace(now_ms_ + u(rng_) * 20, p);
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

    std::uint64_t sent_ = 0, sources_ = 0, dropped_ = 0;

private:
    std::mt19937 rng_;
    double loss_;
    std::size_t burst_every_, burst_;
    std::multimap<double, Packet> queue_;
    double now_ms_ = 0;
};

struct LossResult {
    std::uint64_t sources = 0, lost = 0, recovered = 0, dropped = 0;
    double bad_windows = 0; // share of 10 ms windows not equal to the tone
};

LossResult run_lossy(FecScheme scheme, double loss, unsigned seed, std::size_t burst_every = 0,
                     std::size_t burst = 0) {
    LossyRelay relay(seed, loss, burst_every, burst);
    SenderConfig sc;
    sc.source = endpoint(source_uri(scheme));
    SenderPipeline sender(sc, relay);
    ReceiverConfig rc = fec_receiver_config(scheme);
    ReceiverPipeline receiver(rc, relay);
    constexpr std::size_t Step = 441;
    const int steps = 1000; // 10 s
    const std::vector<float> out = test::play_tone_through(sender, relay, receiver, steps, 40);
    const auto m = receiver.metrics();
    LossResult r;
    r.sources = relay.sources_;
    r.lost = m.packets_lost;
    r.recovered = m.packets_recovered;
    r.dropped = relay.dropped_;
    EXPECT_EQ(m.sessions_started, 1u);
    // 10 ms windows of the played part (after start-up, before the end) with a silent frame in them.
    std::size_t begin = 0;
    while (begin < out.size() / 2 && out[2 * begin] == 0.0f) {
        ++begin;
    }
    const std::size_t end = begin + (steps - 60) * Step;
    std::size_t bad = 0, total = 0;
    for (std::size_t w = begin + Step; w + Step <= end; w += Step, ++total) {
        std::size_t zeros = 0;
        for (std::size_t f = w; f < w + Step; ++f) {
            zeros += out[2 * f] == 0.0f && out[2 * f + 1] == 0.0f;
        }
        bad += zeros > 4; // a tone crosses zero, it does not stay there
    }
    r.bad_windows = total ? double(bad) / double(total) : 1;
    return r;
}

TEST(FecLoopback, rs8m_at_10_percent_random_loss_leaves_at_most_0_1_percent) {
    std::uint64_t sources = 0, lost = 0;
    for (unsigned seed : {1u, 2u}) {
        const auto r = run_lossy(FecScheme::rs8m, 0.10, seed);
        std::printf("rs8m 10%%: seed %u sources %lu dropped %lu recovered %lu lost %lu bad windows %.3f%%\n",
                    seed, (unsigned long)r.sources, (unsigned long)r.dropped, (unsigned long)r.recovered,
                    (unsigned long)r.lost, 100 * r.bad_windows);
        sources += r.sources;
        lost += r.lost;
        EXPECT_GT(r.recovered, r.sources / 20);
    }
    EXPECT_LE(double(lost), 0.001 * double(sources));
}

TEST(FecLoopback, rs8m_recovers_bursts_of_5_lost_packets) {
    const auto r = run_lossy(FecScheme::rs8m, 0.0, 3, 29, 5); // slides across block positions
    std::printf("rs8m bursts of 5: dropped %lu recovered %lu lost %lu\n", (unsigned long)r.dropped,
                (unsigned long)r.recovered, (unsigned long)r.lost);
    EXPECT_GT(r.dropped, 400u);
    EXPECT_GT(r.recovered, 200u);
    EXPECT_EQ(r.lost, 0u);
    EXPECT_EQ(r.bad_windows, 0.0);
}

TEST(FecLoopback, ldpc_at_5_percent_loses_nothing_and_at_10_percent_matches_roc) {
    const auto r5 = run_lossy(FecScheme::ldpc_staircase, 0.05, 4);
    const auto r10 = run_lossy(FecScheme::ldpc_staircase, 0.10, 5);
    std::printf(
        "ldpc 5%%: dropped %lu recovered %lu lost %lu bad %.3f%%; 10%%: dropped %lu recovered %lu lost %lu "
        "bad %.3f%%\n",
        (unsigned long)r5.dropped, (unsigned long)r5.recovered, (unsigned long)r5.lost, 100 * r5.bad_windows,
        (unsigned long)r10.dropped, (unsigned long)r10.recovered, (unsigned long)r10.lost,
        100 * r10.bad_windows);
    EXPECT_EQ(r5.lost, 0u);
    EXPECT_LE(r10.bad_windows, 0.016);
}

} // namespace
} // namespace rocd::transport

namespace rocd::transport {
namespace {

TEST(FecFuzz, a_million_mutated_fec_datagrams_through_parsers_and_reader) {
    for (const auto scheme : {FecScheme::rs8m, FecScheme::ldpc_staircase}) {
        const auto cap = read_fec_capture(scheme == FecScheme::rs8m ? "rs8m.pcap" : "ldpc.pcap", scheme);
        fec::FecSourceParser sp(scheme);
        fec::FecRepairParser rp(scheme);
        test::PacketQueue restored;
        fec::BlockReader reader(scheme, restored);
        std::mt19937 rng(scheme == FecScheme::rs8m ? 1 : 2);
        std::size_t accepted = 0;
        for (int i = 0; i < 500'000; ++i) {
            const std::size_t at = rng() % cap.packets.size();
            Packet p = cap.packets[at];
            p.flags = 0;
            const int edits = 1 + int(rng() % 3);
            for (int e = 0; e < edits; ++e) {
                switch (rng() % 3) {
                case 0: // the payload IDs live at both ends
                    p.data[rng() % 2 ? rng() % std::min<std::size_t>(8, p.size)
                                     : p.size - 1 - rng() % std::min<std::size_t>(6, p.size)] =
                        std::uint8_t(rng());
                    break;
                case 1:
                    p.size = static_cast<std::uint16_t>(rng() % (p.size + 1));
                    break;
                default:
                    p.data[rng() % p.size] ^= std::uint8_t(1u << (rng() % 8));
                    break;
                }
                if (p.size == 0) {
                    break;
                }
            }
            if (cap.repair[at] ? rp.parse(p) : sp.parse(p)) {
                ++accepted;
                if (p.has(PacketFlag_Repair)) {
                    reader.add_repair(p);
                } else {
                    reader.add_source(p);
                }
                restored.packets.clear();
            }
        }
        std::printf("%s: %zu of 500000 mutated datagrams parsed, reader dropped %lu, sbn jumps %lu\n",
                    scheme == FecScheme::rs8m ? "rs8m" : "ldpc", accepted,
                    (unsigned long)reader.stats().dropped, (unsigned long)reader.stats().sbn_jumps);
    }
}

} // namespace
} // namespace rocd::transport
