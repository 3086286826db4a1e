// Randomised robustness: mutated captured packets against the parser and
// the whole receiver pipeline. Many seeds, cheap mutations, so a million
// inputs take seconds even with sanitizers.
#include <gtest/gtest.h>

#include <random>
#include <thread>

#include <sys/socket.h>
#include <unistd.h>

#include "helpers.h"
#include "transport/receiver.h"
#include "transport/receiver_pipeline.h"
#include "transport/rtp/parser.h"

namespace rocd::transport {
namespace {

using namespace std::chrono_literals;

// Flips, overwrites or truncates a few bytes, mostly in the header, where
// the parser makes decisions.
void mutate(Packet& p, std::mt19937& rng, std::size_t original_size) {
    p.size = static_cast<std::uint16_t>(original_size);
    const int n = 1 + int(rng() % 4);
    for (int k = 0; k < n; ++k) {
        switch (rng() % 5) {
        case 0:
            p.data[rng() % 16] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
            break;
        case 1:
            p.data[rng() % 16] = static_cast<std::uint8_t>(rng());
            break;
        case 2:
            p.size = static_cast<std::uint16_t>(rng() % (original_size + 1));
            break;
        case 3:
            p.data[p.size > 0 ? p.size - 1 : 0] = static_cast<std::uint8_t>(rng()); // padding count
            break;
        default:
            p.data[rng() % original_size] = static_cast<std::uint8_t>(rng());
            break;
        }
    }
}

TEST(Fuzz, parser_survives_a_million_mutated_packets) {
    const auto captured = test::captured_packets("rtp.pcap");
    ASSERT_FALSE(captured.empty());
    rtp::Parser parsers[] = {rtp::Parser(0), rtp::Parser(6)};
    std::uint64_t accepted = 0, total = 0;
    for (unsigned seed = 0; seed < 100; ++seed) {
        std::mt19937 rng(seed);
        Packet p = captured[seed % captured.size()];
        const Packet pristine = p;
        for (int i = 0; i < 10000; ++i) {
            std::copy_n(pristine.data.begin(), 16, p.data.begin());
            p.data[pristine.size - 1] = pristine.data[pristine.size - 1];
            mutate(p, rng, pristine.size);
            const bool ok = parsers[i & 1].parse(p);
            ++total;
            if (ok) {
                ++accepted;
                // Whatever was accepted is self-consistent and inside the buffer.
                ASSERT_LE(std::size_t(p.rtp.payload_offset) + p.rtp.payload_size + p.rtp.padding,
                          std::size_t(p.size));
                ASSERT_GE(p.rtp.payload_offset, 12);
                if (p.has(PacketFlag_Audio)) {
                    ASSERT_GT(p.rtp.duration, 0u);
                }
            }
        }
    }
    EXPECT_EQ(total, 1'000'000u);
    EXPECT_GT(accepted, 0u);
}

TEST(Fuzz, receiver_pipeline_survives_hostile_valid_looking_packets) {
    const auto captured = test::captured_packets("rtp.pcap");
    test::PacketQueue wire;
    ReceiverConfig rc;
    rc.target_latency = 20ms;
    rc.max_sessions = 3;
    ReceiverPipeline receiver(rc, wire);
    rtp::Parser parser;
    std::mt19937 rng(42);
    std::vector<float> out(441 * 2);
    std::uint64_t fed = 0;
    for (int round = 0; round < 2000; ++round) {
        for (int k = 0; k < 10; ++k) {
            Packet p = captured[rng() % captured.size()];
            const std::size_t size = p.size;
            // Hostile but well-formed fields: random seq/ts/ssrc/pt jumps.
            if (rng() % 2) {
                p.data[2 + rng() % 10] = static_cast<std::uint8_t>(rng());
            }
            if (rng() % 8 == 0) {
                mutate(p, rng, size);
            }
            if (parser.parse(p)) {
                wire.packets.push_back(p);
                ++fed;
            }
        }
        receiver.read(out.data(), 441);
        for (float v : out) {
            ASSERT_TRUE(v >= -1.0f && v <= 1.0f);
        }
    }
    const auto m = receiver.metrics();
    EXPECT_GT(fed, 10000u);
    EXPECT_LE(m.sessions, 3u);
}

TEST(Fuzz, udp_receiver_counts_and_drops_malformed_and_oversized_datagrams) {
    auto loop = net::NetworkLoop::create();
    ASSERT_TRUE(loop);
    ReceiverConfig rc;
    rc.source = *parse_endpoint("rtp://127.0.0.1:0", Interface::source);
    auto receiver = Receiver::create(rc, **loop);
    ASSERT_TRUE(receiver);
    const auto to = (*receiver)->local_address();
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    std::vector<std::uint8_t> junk(3000, 0x80);
    const std::size_t sizes[] = {0, 1, 11, 12 + 3, 3000}; // empty, short, odd payload, oversized
    int sent = 0;
    for (std::size_t s : sizes) {
        junk[0] = 0x40; // version 1: malformed whatever the size
        sendto(fd, junk.data(), s, 0, to.sockaddr_ptr(), to.length());
        ++sent;
    }
    for (int i = 0; i < 200 && (*receiver)->metrics().datagrams < std::uint64_t(sent); ++i) {
        std::this_thread::sleep_for(5ms);
    }
    close(fd);
    std::vector<float> out(441 * 2);
    (*receiver)->read(out.data(), 441);
    const auto m = (*receiver)->metrics();
    EXPECT_EQ(m.datagrams, std::uint64_t(sent));
    EXPECT_EQ(m.packets_malformed, std::uint64_t(sent));
    EXPECT_EQ(m.sessions_started, 0u);
}

} // namespace
} // namespace rocd::transport
