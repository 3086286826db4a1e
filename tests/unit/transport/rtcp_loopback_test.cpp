// RTCP between a real Sender and Receiver on 127.0.0.1, source packets
// through a lossy UDP relay: the receiver's reports reach the sender.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport/receiver.h"
#include "transport/sender.h"

namespace rocd::transport {
namespace {

using namespace std::chrono_literals;

/// Forwards datagrams from its own port to `to`, dropping a share of them.
class UdpRelay {
public:
    UdpRelay(const address::SocketAddress& to, double loss) : to_(to), loss_(loss) {
        fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        auto any = *address::SocketAddress::numeric("127.0.0.1", 0);
        EXPECT_EQ(bind(fd_, any.sockaddr_ptr(), any.length()), 0);
        sockaddr_storage ss {};
        socklen_t len = sizeof(ss);
        getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
        local_ = address::SocketAddress::from(reinterpret_cast<sockaddr*>(&ss), len);
        thread_ = std::thread([this] { run(); });
    }
    ~UdpRelay() {
        stop_ = true;
        thread_.join();
        close(fd_);
    }
    const address::SocketAddress& local() const { return local_; }
    std::atomic<std::uint64_t> forwarded {0}, dropped {0};

private:
    void run() {
        std::mt19937 rng(11);
        std::uniform_real_distribution<double> u(0, 1);
        std::uint8_t buf[4096];
        while (!stop_) {
            pollfd p {fd_, POLLIN, 0};
            if (poll(&p, 1, 20) <= 0) {
                continue;
            }
            const ssize_t n = recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
            if (n <= 0) {
                continue;
            }
            if (u(rng) < loss_) {
                ++dropped;
                continue;
            }
            sendto(fd_, buf, static_cast<std::size_t>(n), 0, to_.sockaddr_ptr(), to_.length());
            ++forwarded;
        }
    }

    int fd_ = -1;
    address::SocketAddress to_, local_;
    double loss_;
    std::atomic<bool> stop_ {false};
    std::thread thread_;
};

TEST(RtcpLoopback, receiver_reports_reach_the_sender_with_the_relays_loss) {
    auto loop = net::NetworkLoop::create();
    ASSERT_TRUE(loop);
    ReceiverConfig rc;
    rc.source = *parse_endpoint("rtp://127.0.0.1:0", Interface::source);
    rc.control = *parse_endpoint("rtcp://127.0.0.1:0", Interface::control);
    rc.target_latency = 100ms;
    auto receiver = Receiver::create(rc, **loop);
    ASSERT_TRUE(receiver) << receiver.error().message;
    UdpRelay relay((*receiver)->local_address(), 0.10);
    SenderConfig sc;
    sc.source = *parse_endpoint("rtp://127.0.0.1:" + std::to_string(relay.local().port()), Interface::source);
    sc.control = *parse_endpoint("rtcp://127.0.0.1:" + std::to_string((*receiver)->control_address()->port()),
                                 Interface::control);
    auto sender = Sender::create(sc, **loop);
    ASSERT_TRUE(sender) << sender.error().message;

    std::vector<float> buf(441 * 2, 0.25f), out(441 * 2);
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 300; ++i) { // 3 s
        (*sender)->write(buf.data(), 441);
        std::this_thread::sleep_until(t0 + (i + 1) * 10ms);
        (*receiver)->read(out.data(), 441);
    }
    std::this_thread::sleep_for(300ms); // one more report round
    const auto sm = (*sender)->metrics();
    const auto rm = (*receiver)->metrics();
    const double applied = double(relay.dropped) / double(relay.dropped + relay.forwarded);
    const double reported = double(sm.cumulative_lost) / double(sm.packets_produced);
    std::printf(
        "relay loss %.2f %%, reported cumulative %ld (%.2f %%), last fraction %.2f %%, jitter %.3f ms, "
        "rtt %.3f ms, niq %.1f ms, rtcp sent %lu/%lu received %lu/%lu\n",
        100 * applied, (long)sm.cumulative_lost, 100 * reported, 100 * sm.loss_fraction,
        std::chrono::duration<double, std::milli>(sm.jitter).count(),
        std::chrono::duration<double, std::milli>(sm.rtt).count(),
        std::chrono::duration<double, std::milli>(sm.niq_latency).count(), (unsigned long)sm.rtcp_sent,
        (unsigned long)rm.rtcp_sent, (unsigned long)sm.rtcp_received, (unsigned long)rm.rtcp_received);
    EXPECT_GT(sm.rtcp_sent, 10u);
    EXPECT_GT(rm.rtcp_received, 10u);
    EXPECT_GT(sm.rtcp_received, 10u);
    EXPECT_EQ(sm.rtcp_malformed, 0u);
    EXPECT_EQ(rm.rtcp_malformed, 0u);
    ASSERT_TRUE(sm.have_receiver_report);
    EXPECT_NEAR(reported, applied, 0.02);
    EXPECT_LE(sm.loss_fraction, 0.5);
    EXPECT_GE(sm.rtt.count(), 0);
    EXPECT_LT(sm.rtt, 50ms);
    EXPECT_GT(sm.niq_latency, 50ms);
    EXPECT_LT(sm.niq_latency, 200ms);
}

} // namespace
} // namespace rocd::transport
