#include "transport/receiver.h"

#include "transport/support.h"

namespace rocd::transport {

namespace {

/// The kept socket if it serves `address`, else a new one bound to it.
Result<net::BoundSocket> socket_for(const address::SocketAddress& address,
                                    std::optional<net::BoundSocket>& kept) {
    if (kept && kept->serves(address)) {
        return std::move(*kept);
    }
    return net::BoundSocket::bind(address);
}

} // namespace

Result<std::unique_ptr<Receiver>> Receiver::create(const ReceiverConfig& config, net::NetworkLoop& loop,
                                                   ReceiverSockets kept) {
    if (auto st = config.validate(); !st) {
        return tl::unexpected(st.error());
    }
    if (auto st = check_supported(config.source, config.repair, config.control); !st) {
        return tl::unexpected(st.error());
    }
    auto bind = address::SocketAddress::numeric(config.source->uri.host(), config.source->uri.port_number());
    if (!bind) {
        return fail_at(bind.error(), interface_name(Interface::source));
    }
    std::unique_ptr<Receiver> r(new Receiver(loop));
    const auto scheme = fec::fec_scheme_from_uri_scheme(protocol_scheme(config.source->protocol));
    if (scheme) {
        r->parser_ = std::make_unique<fec::FecSourceParser>(*scheme);
        r->repair_parser_ = std::make_unique<fec::FecRepairParser>(*scheme);
    } else {
        r->parser_ = std::make_unique<rtp::Parser>();
    }
    auto socket = socket_for(*bind, kept.source);
    if (!socket) {
        return fail_at(socket.error(), interface_name(Interface::source));
    }
    r->port_ = std::make_unique<net::UdpReceiver>(std::move(*socket), *r->parser_, config.queue_packets,
                                                  config.max_source_rate);
    r->reader_.source = r->port_.get();
    if (config.repair) {
        auto rbind =
            address::SocketAddress::numeric(config.repair->uri.host(), config.repair->uri.port_number());
        if (!rbind) {
            return fail_at(rbind.error(), interface_name(Interface::repair));
        }
        auto rsocket = socket_for(*rbind, kept.repair);
        if (!rsocket) {
            return fail_at(rsocket.error(), interface_name(Interface::repair));
        }
        r->repair_port_ = std::make_unique<net::UdpReceiver>(std::move(*rsocket), *r->repair_parser_,
                                                             config.queue_packets, config.max_source_rate);
        r->reader_.repair = r->repair_port_.get();
    }
    r->pipeline_ = std::make_unique<ReceiverPipeline>(config, r->reader_);
    if (auto st = loop.add(*r->port_); !st) {
        return tl::unexpected(st.error());
    }
    r->registered_ = true;
    if (r->repair_port_) {
        if (auto st = loop.add(*r->repair_port_); !st) {
            return tl::unexpected(st.error());
        }
        r->repair_registered_ = true;
    }
    if (config.control) {
        auto cbind =
            address::SocketAddress::numeric(config.control->uri.host(), config.control->uri.port_number());
        if (!cbind) {
            return fail_at(cbind.error(), interface_name(Interface::control));
        }
        auto csocket = socket_for(*cbind, kept.control);
        if (!csocket) {
            return fail_at(csocket.error(), interface_name(Interface::control));
        }
        r->reporter_ = std::make_unique<rtcp::ReceiverReporter>(std::move(*csocket), *r->pipeline_);
        if (auto st = loop.add(*r->reporter_); !st) {
            return tl::unexpected(st.error());
        }
        r->reporter_registered_ = true;
    }
    return r;
}

Receiver::~Receiver() {
    unregister();
}

void Receiver::unregister() {
    if (registered_) {
        loop_.remove(*port_);
        registered_ = false;
    }
    if (repair_registered_) {
        loop_.remove(*repair_port_);
        repair_registered_ = false;
    }
    if (reporter_registered_) {
        loop_.remove(*reporter_);
        reporter_registered_ = false;
    }
}

ReceiverSockets Receiver::release_sockets() {
    unregister();
    ReceiverSockets out;
    out.source = port_->take_socket();
    if (repair_port_) {
        out.repair = repair_port_->take_socket();
    }
    if (reporter_) {
        out.control = reporter_->take_socket();
    }
    return out;
}

ReceiverMetrics Receiver::metrics() const {
    constexpr auto r = std::memory_order_relaxed;
    ReceiverMetrics m = pipeline_->metrics();
    const auto& net = port_->metrics();
    m.datagrams = net.datagrams.load(r);
    m.packets_malformed = net.malformed.load(r) + net.oversized.load(r);
    m.packets_overflow += net.overflow.load(r);
    m.packets_rate_limited = net.rate_limited.load(r);
    if (reporter_) {
        const auto t = reporter_->traffic();
        m.rtcp_received = t.received;
        m.rtcp_malformed = t.malformed;
        m.rtcp_sent = t.sent;
    }
    if (repair_port_) {
        const auto& rn = repair_port_->metrics();
        m.datagrams += rn.datagrams.load(r);
        m.packets_malformed += rn.malformed.load(r) + rn.oversized.load(r);
        m.packets_overflow += rn.overflow.load(r);
        m.packets_rate_limited += rn.rate_limited.load(r);
    }
    return m;
}

} // namespace rocd::transport
