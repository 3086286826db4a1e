#include "transport/receiver.h"

#include "transport/support.h"

namespace rocd::transport {

Result<std::unique_ptr<Receiver>> Receiver::create(const ReceiverConfig& config, net::NetworkLoop& loop) {
    if (auto st = config.validate(); !st) {
        return tl::unexpected(st.error());
    }
    if (auto st = check_supported(config.source, config.repair, config.control); !st) {
        return tl::unexpected(st.error());
    }
    auto bind = net::SocketAddress::resolve(config.source->uri.host(), config.source->uri.port_number());
    if (!bind) {
        return tl::unexpected(bind.error());
    }
    std::unique_ptr<Receiver> r(new Receiver(loop));
    auto port = net::UdpReceiver::open(*bind, r->parser_, config.queue_packets);
    if (!port) {
        return tl::unexpected(port.error());
    }
    r->port_ = std::move(*port);
    r->pipeline_ = std::make_unique<ReceiverPipeline>(config, *r->port_);
    if (auto st = loop.add(*r->port_); !st) {
        return tl::unexpected(st.error());
    }
    r->registered_ = true;
    return r;
}

Receiver::~Receiver() {
    if (registered_) {
        loop_.remove(*port_);
    }
}

ReceiverMetrics Receiver::metrics() const {
    constexpr auto r = std::memory_order_relaxed;
    ReceiverMetrics m = pipeline_->metrics();
    const auto& net = port_->metrics();
    m.datagrams = net.datagrams.load(r);
    m.packets_malformed = net.malformed.load(r) + net.oversized.load(r);
    m.packets_overflow += net.overflow.load(r);
    return m;
}

} // namespace rocd::transport
