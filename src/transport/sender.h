// The public sender: frames from the caller's audio thread → UDP.
#pragma once

#include <memory>

#include "core/error.h"
#include "transport/metrics.h"
#include "transport/net/network_loop.h"
#include "transport/net/udp_sender.h"
#include "transport/rtcp/sender_reporter.h"
#include "transport/sender_config.h"
#include "transport/sender_pipeline.h"

namespace rocd::transport {

/// A stream to one Roc receiver. write() is called by the audio clock's
/// thread (one thread); the network loop sends. metrics() from anywhere.
class Sender {
public:
    /// Resolves the endpoints, opens the socket and registers it with `loop`.
    static Result<std::unique_ptr<Sender>> create(const SenderConfig& config, net::NetworkLoop& loop);
    ~Sender();
    Sender(const Sender&) = delete;
    Sender& operator=(const Sender&) = delete;

    /// Interleaved frames at config.rate/channels. Lock- and allocation-free.
    void write(const float* frames, std::size_t count) { pipeline_->write(frames, count); }

    SenderMetrics metrics() const;
    /// FEC block size from the next block on (--nbsrc/--nbrpr); false
    /// without FEC or for a shape the scheme cannot do.
    bool set_fec_block_size(std::size_t k, std::size_t r) {
        return pipeline_->fec_writer() && pipeline_->fec_writer()->set_block_size(k, r);
    }
    std::uint32_t ssrc() const { return pipeline_->ssrc(); }

private:
    // Addresses each packet to the source or (FEC repair) repair endpoint;
    // all leave from the one socket (WIRE.md §1).
    struct Addresser final : IPacketWriter {
        Addresser(IPacketWriter& next, const address::SocketAddress& to,
                  const address::SocketAddress& repair_to)
            : next(next), to(to), repair_to(repair_to) {}
        void write(Packet& p) override {
            p.address = p.has(PacketFlag_Repair) ? repair_to : to;
            next.write(p);
        }
        IPacketWriter& next;
        address::SocketAddress to, repair_to;
    };

    Sender(net::NetworkLoop& loop) : loop_(loop) {}

    net::NetworkLoop& loop_;
    std::unique_ptr<net::UdpSender> port_;
    std::unique_ptr<Addresser> addresser_;
    std::unique_ptr<SenderPipeline> pipeline_;
    std::unique_ptr<rtcp::SenderReporter> reporter_;
    bool registered_ = false;
};

} // namespace rocd::transport
