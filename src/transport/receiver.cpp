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
    auto port = net::UdpReceiver::open(*bind, *r->parser_, config.queue_packets, config.max_source_rate);
    if (!port) {
        return fail_at(port.error(), interface_name(Interface::source));
    }
    r->port_ = std::move(*port);
    r->reader_.source = r->port_.get();
    if (config.repair) {
        auto rbind =
            address::SocketAddress::numeric(config.repair->uri.host(), config.repair->uri.port_number());
        if (!rbind) {
            return fail_at(rbind.error(), interface_name(Interface::repair));
        }
        auto rport =
            net::UdpReceiver::open(*rbind, *r->repair_parser_, config.queue_packets, config.max_source_rate);
        if (!rport) {
            return fail_at(rport.error(), interface_name(Interface::repair));
        }
        r->repair_port_ = std::move(*rport);
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
        auto rep = rtcp::ReceiverReporter::open(*cbind, *r->pipeline_);
        if (!rep) {
            return fail_at(rep.error(), interface_name(Interface::control));
        }
        r->reporter_ = std::move(*rep);
        if (auto st = loop.add(*r->reporter_); !st) {
            return tl::unexpected(st.error());
        }
        r->reporter_registered_ = true;
    }
    return r;
}

Receiver::~Receiver() {
    if (registered_) {
        loop_.remove(*port_);
    }
    if (repair_registered_) {
        loop_.remove(*repair_port_);
    }
    if (reporter_registered_) {
        loop_.remove(*reporter_);
    }
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
