// The public receiver: UDP → sessions → mixed frames pulled by playback.
#pragma once

#include <memory>
#include <optional>

#include "core/error.h"
#include "transport/fec/fec_packets.h"
#include "transport/metrics.h"
#include "transport/net/network_loop.h"
#include "transport/net/udp_receiver.h"
#include "transport/receiver_config.h"
#include "transport/receiver_pipeline.h"
#include "transport/rtcp/receiver_reporter.h"
#include "transport/rtp/parser.h"

namespace rocd::transport {

/// A receiver's bound sockets, handed to the receiver that replaces it (new
/// settings, same addresses): the ports are never free in between, and the
/// datagrams the kernel holds are not lost.
struct ReceiverSockets {
    std::optional<net::BoundSocket> source, repair, control;
};

/// Receives one endpoint's senders and plays them mixed. The network loop
/// reads and validates datagrams; read() runs on the playback thread (one
/// thread) and never blocks, locks or allocates. metrics() from anywhere.
class Receiver {
public:
    /// Binds the endpoints (taking each from `kept` when it serves the
    /// endpoint's address) and registers the sockets with `loop`.
    static Result<std::unique_ptr<Receiver>> create(const ReceiverConfig& config, net::NetworkLoop& loop,
                                                    ReceiverSockets kept = {});
    /// Stops receiving and gives up the sockets, for the next receiver of
    /// the same addresses; destroying this receiver is all that is left.
    ReceiverSockets release_sockets();
    ~Receiver();
    Receiver(const Receiver&) = delete;
    Receiver& operator=(const Receiver&) = delete;

    /// Interleaved frames at config.rate/channels; silence when nobody plays.
    void read(float* frames, std::size_t count) { pipeline_->read(frames, count); }

    ReceiverMetrics metrics() const;
    std::uint32_t session_count() const { return pipeline_->session_count(); }
    /// The bound address (useful with port 0).
    const address::SocketAddress& local_address() const { return port_->local_address(); }
    /// The bound control address (only with a control endpoint).
    const address::SocketAddress* control_address() const {
        return reporter_ ? &reporter_->local_address() : nullptr;
    }
    /// The bound repair address (only with a repair endpoint).
    const address::SocketAddress* repair_address() const {
        return repair_port_ ? &repair_port_->local_address() : nullptr;
    }

private:
    // Source packets first, then repair packets: both rings, one reader.
    struct MergedReader final : IPacketReader {
        bool read(Packet& p) override { return source->read(p) || (repair && repair->read(p)); }
        IPacketReader* source = nullptr;
        IPacketReader* repair = nullptr;
    };

    Receiver(net::NetworkLoop& loop) : loop_(loop) {}
    void unregister();

    net::NetworkLoop& loop_;
    std::unique_ptr<IPacketParser> parser_, repair_parser_;
    std::unique_ptr<net::UdpReceiver> port_, repair_port_;
    MergedReader reader_;
    bool repair_registered_ = false;
    std::unique_ptr<rtcp::ReceiverReporter> reporter_;
    bool reporter_registered_ = false;
    std::unique_ptr<ReceiverPipeline> pipeline_;
    bool registered_ = false;
};

} // namespace rocd::transport
