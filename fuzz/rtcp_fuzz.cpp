// One datagram on an RTCP port: the compound parser, then what a sender does
// with a receiver's reports. A compound that parses must compose, and
// parsing what was composed must give the same compound back (composing it
// again gives the same bytes).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "transport/rtcp/packets.h"
#include "transport/rtcp/sender_reporter.h"

namespace {

using namespace rocd::transport;

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

// The sender whose reports arrive; the SSRC is the one the seed corpus's
// receiver reports name, so that their blocks are taken, not skipped.
class Sending final : public rtcp::ISendingHook {
public:
    rtcp::SendingState sending_state() const override {
        rtcp::SendingState s;
        s.ssrc = ssrc;
        s.sample_rate = 44100;
        return s;
    }
    std::uint32_t ssrc = 0;
};

struct Sender {
    Sender() {
        auto opened = net::UdpSender::open(AF_INET);
        if (!opened) {
            std::abort();
        }
        port = std::move(*opened);
        reporter = std::make_unique<rtcp::SenderReporter>(*port, address::SocketAddress {}, sending);
    }
    Sending sending;
    std::unique_ptr<net::UdpSender> port;
    std::unique_ptr<rtcp::SenderReporter> reporter;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Sender sender;
    if (size > MaxPacketSize) {
        return -1;
    }
    const std::span<const std::uint8_t> bytes(data, size);

    const auto compound = rtcp::parse(bytes);
    if (compound) {
        std::uint8_t first[MaxPacketSize * 2];
        const std::size_t first_size = rtcp::compose(*compound, first);
        if (first_size > 0) {
            const auto again = rtcp::parse({first, first_size});
            require(again.has_value());
            std::uint8_t second[sizeof first];
            const std::size_t second_size = rtcp::compose(*again, second);
            require(second_size == first_size && std::memcmp(first, second, first_size) == 0);
        }
        if (compound->rr && !compound->rr->blocks.empty()) {
            sender.sending.ssrc = compound->rr->blocks.front().ssrc;
        }
    }
    sender.reporter->on_datagram(bytes, address::SocketAddress {});
    return 0;
}
