// rocd-impair: loss and jitter on the packets an iptables NFQUEUE rule
// hands it, for the multi-host tests on a kernel without netem. Each packet
// is dropped with probability LOSS, or let through after a delay drawn
// uniformly from 0..JITTER ms (so packets may overtake one another, as
// with netem's jitter). Verdicts are given later, in due order; the kernel
// holds the packets meanwhile.
//
//   rocd-impair QUEUE LOSS_PERCENT JITTER_MS [SEED]
//
// Runs until SIGTERM or SIGINT, then lets every held packet through and
// prints "passed N dropped M" on stdout.
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <queue>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include <libnetfilter_queue/libnetfilter_queue.h>
}

namespace {

using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t stopping = 0;

struct Held {
    Clock::time_point due;
    std::uint32_t id;
    bool operator>(const Held& other) const { return due > other.due; }
};

struct Impairment {
    double loss = 0.0;
    double jitter_ms = 0.0;
    std::mt19937_64 random;
    std::priority_queue<Held, std::vector<Held>, std::greater<>> held;
    std::uint64_t passed = 0;
    std::uint64_t dropped = 0;
};

int on_packet(nfq_q_handle* queue, nfgenmsg*, nfq_data* data, void* context) {
    auto& impairment = *static_cast<Impairment*>(context);
    const auto* header = nfq_get_msg_packet_hdr(data);
    if (header == nullptr) {
        return 0;
    }
    const std::uint32_t id = ntohl(header->packet_id);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    if (unit(impairment.random) < impairment.loss) {
        ++impairment.dropped;
        return nfq_set_verdict(queue, id, NF_DROP, 0, nullptr);
    }
    const auto delay =
        std::chrono::duration<double, std::milli>(unit(impairment.random) * impairment.jitter_ms);
    impairment.held.push({Clock::now() + std::chrono::duration_cast<Clock::duration>(delay), id});
    return 0;
}

void release_due(nfq_q_handle* queue, Impairment& impairment, Clock::time_point now) {
    while (!impairment.held.empty() && impairment.held.top().due <= now) {
        nfq_set_verdict(queue, impairment.held.top().id, NF_ACCEPT, 0, nullptr);
        impairment.held.pop();
        ++impairment.passed;
    }
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: rocd-impair QUEUE LOSS_PERCENT JITTER_MS [SEED]\n");
        return 2;
    }
    Impairment impairment;
    const int queue_number = std::atoi(argv[1]);
    impairment.loss = std::atof(argv[2]) / 100.0;
    impairment.jitter_ms = std::atof(argv[3]);
    impairment.random.seed(argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 1);

    nfq_handle* handle = nfq_open();
    if (handle == nullptr || nfq_bind_pf(handle, AF_INET) < 0) {
        std::perror("rocd-impair: nfq_open");
        return 1;
    }
    nfq_q_handle* queue = nfq_create_queue(handle, queue_number, &on_packet, &impairment);
    if (queue == nullptr || nfq_set_mode(queue, NFQNL_COPY_META, 0) < 0) {
        std::perror("rocd-impair: nfq_create_queue");
        return 1;
    }
    nfq_set_queue_maxlen(queue, 8192);
    std::signal(SIGTERM, [](int) { stopping = 1; });
    std::signal(SIGINT, [](int) { stopping = 1; });
    std::printf("ready\n");
    std::fflush(stdout);

    const int fd = nfq_fd(handle);
    std::vector<char> buffer(1 << 16);
    while (!stopping) {
        int timeout_ms = 100;
        if (!impairment.held.empty()) {
            const auto wait = impairment.held.top().due - Clock::now();
            timeout_ms = static_cast<int>(
                std::max<long>(0, std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()));
        }
        pollfd ready {fd, POLLIN, 0};
        if (poll(&ready, 1, timeout_ms) > 0) {
            const auto got = recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
            if (got > 0) {
                nfq_handle_packet(handle, buffer.data(), static_cast<int>(got));
            }
        }
        release_due(queue, impairment, Clock::now());
    }
    release_due(queue, impairment, Clock::time_point::max());
    nfq_destroy_queue(queue);
    nfq_close(handle);
    std::printf("passed %llu dropped %llu\n", static_cast<unsigned long long>(impairment.passed),
                static_cast<unsigned long long>(impairment.dropped));
    return 0;
}
