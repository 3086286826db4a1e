// rocd-send → rocd-recv with FEC over real UDP on 127.0.0.1, and the
// in-process Sender → Receiver with both FEC sockets.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include <unistd.h>

#include "helpers.h"
#include "support/program.h"
#include "support/temp_dir.h"
#include "tone.h"
#include "transport/receiver.h"
#include "transport/sender.h"

namespace rocd::transport {
namespace {

using namespace std::chrono_literals;

using rocd::test::run_program;
using rocd::test::start_program;
using rocd::test::wait_exit;

TEST(FecTools, rocd_send_to_rocd_recv_with_rs8m_and_rtcp_delivers_the_wav) {
    const rocd::test::TempDir dir("rocd-fec-tools");
    const std::string out = (dir / "out.wav").string();
    const int base = 21000 + getpid() % 10000 * 3 % 20000;
    const std::string src = "127.0.0.1:" + std::to_string(base),
                      rpr = "127.0.0.1:" + std::to_string(base + 1),
                      ctl = "127.0.0.1:" + std::to_string(base + 2);
    const pid_t recv_pid =
        start_program({ROCD_RECV_PATH, "-s", "rtp+rs8m://" + src, "-r", "rs8m://" + rpr, "-o", "file:" + out,
                       "-c", "rtcp://" + ctl, "--oneshot", "--target-latency", "100ms"});
    if (!rocd::test::wait_udp_bound({static_cast<std::uint16_t>(base), static_cast<std::uint16_t>(base + 1),
                                     static_cast<std::uint16_t>(base + 2)})) {
        ::kill(recv_pid, SIGKILL);
        wait_exit(recv_pid);
        FAIL() << "rocd-recv did not bind its ports from " << base;
    }
    const int sent = run_program({ROCD_SEND_PATH, "-i", rocd::test::interop_path("input-44k-stereo.wav"),
                                  "-s", "rtp+rs8m://" + src, "-r", "rs8m://" + rpr, "-c", "rtcp://" + ctl,
                                  "--nbsrc", "10", "--nbrpr", "5"});
    EXPECT_EQ(sent, 0);
    if (sent != 0) {
        ::kill(recv_pid, SIGKILL); // a --oneshot receiver that heard nothing would wait forever
    }
    EXPECT_EQ(wait_exit(recv_pid), 0);
    const auto got = test::read_wav(out);
    ASSERT_EQ(got.channels, 2);
    ASSERT_GT(got.frames(), 88200u); // a short file would end the purity check out of bounds
    const std::size_t from = 4410 + 4410, to = from + 44100;
    EXPECT_GT(test::min_tone_purity(got.samples, 2, 0, from, to, 440, 44100), 0.95);
    EXPECT_GT(test::min_tone_purity(got.samples, 2, 1, from, to, 660, 44100), 0.95);
}

TEST(FecTools, sender_sends_source_and_repair_from_one_socket_to_the_receivers_two_ports) {
    auto loop = net::NetworkLoop::create();
    ASSERT_TRUE(loop);
    ReceiverConfig rc;
    rc.source = *parse_endpoint("rtp+ldpc://127.0.0.1:0", Interface::source);
    rc.repair = *parse_endpoint("ldpc://127.0.0.1:0", Interface::repair);
    rc.target_latency = 100ms;
    auto receiver = Receiver::create(rc, **loop);
    ASSERT_TRUE(receiver) << receiver.error().message;
    SenderConfig sc;
    sc.source = *parse_endpoint("rtp+ldpc://127.0.0.1:" + std::to_string((*receiver)->local_address().port()),
                                Interface::source);
    sc.repair = *parse_endpoint("ldpc://127.0.0.1:" + std::to_string((*receiver)->repair_address()->port()),
                                Interface::repair);
    auto sender = Sender::create(sc, **loop);
    ASSERT_TRUE(sender) << sender.error().message;
    std::vector<float> buf(441 * 2, 0.25f), out(441 * 2);
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) { // 1 s
        (*sender)->write(buf.data(), 441);
        std::this_thread::sleep_until(t0 + (i + 1) * 10ms);
        (*receiver)->read(out.data(), 441);
    }
    const auto sm = (*sender)->metrics();
    const auto m = (*receiver)->metrics();
    EXPECT_GT(sm.repair_packets, 50u);
    EXPECT_EQ(m.sessions_started, 1u);
    // Every repair packet found its session by the sender's address:port.
    EXPECT_GE(m.repair_received + 10, sm.repair_packets);
    EXPECT_EQ(m.packets_unroutable, 0u);
    EXPECT_EQ(m.packets_malformed, 0u);
}

} // namespace
} // namespace rocd::transport
