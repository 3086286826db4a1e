#include "transport/sender.h"

#include "transport/support.h"

namespace rocd::transport {

Result<std::unique_ptr<Sender>> Sender::create(const SenderConfig& config, net::NetworkLoop& loop) {
    if (auto st = config.validate(); !st) {
        return tl::unexpected(st.error());
    }
    if (auto st = check_supported(config.source, config.repair, config.control); !st) {
        return tl::unexpected(st.error());
    }
    auto to = address::SocketAddress::numeric(config.source->uri.host(), config.source->uri.port_number());
    if (!to) {
        return fail_at(to.error(), interface_name(Interface::source));
    }
    address::SocketAddress repair_to = *to;
    if (config.repair) {
        auto r = address::SocketAddress::numeric(config.repair->uri.host(), config.repair->uri.port_number());
        if (!r) {
            return fail_at(r.error(), interface_name(Interface::repair));
        }
        if (r->family() != to->family()) {
            return fail(Errc::invalid_argument,
                        "source and repair endpoints must be of the same address family",
                        interface_name(Interface::repair));
        }
        repair_to = *r;
    }
    std::unique_ptr<Sender> s(new Sender(loop));
    auto port = net::UdpSender::open(to->family(), config.queue_packets);
    if (!port) {
        return tl::unexpected(port.error());
    }
    s->port_ = std::move(*port);
    s->addresser_ = std::make_unique<Addresser>(*s->port_, *to, repair_to);
    s->pipeline_ = std::make_unique<SenderPipeline>(config, *s->addresser_);
    if (config.control) {
        auto c =
            address::SocketAddress::numeric(config.control->uri.host(), config.control->uri.port_number());
        if (!c) {
            return fail_at(c.error(), interface_name(Interface::control));
        }
        if (c->family() != to->family()) {
            return fail(Errc::invalid_argument,
                        "source and control endpoints must be of the same address family",
                        interface_name(Interface::control));
        }
        s->reporter_ = std::make_unique<rtcp::SenderReporter>(*s->port_, *c, *s->pipeline_);
        s->port_->set_control_handler(s->reporter_.get());
    }
    if (auto st = loop.add(*s->port_); !st) {
        return tl::unexpected(st.error());
    }
    s->registered_ = true;
    return s;
}

Sender::~Sender() {
    if (registered_) {
        loop_.remove(*port_);
    }
}

SenderMetrics Sender::metrics() const {
    constexpr auto r = std::memory_order_relaxed;
    const auto& net = port_->metrics();
    SenderMetrics m;
    m.frames_written = pipeline_->frames_written();
    m.packets_produced = pipeline_->packets_produced();
    m.packets_sent = net.packets_sent.load(r);
    m.bytes_sent = net.bytes_sent.load(r);
    m.packets_dropped = net.packets_dropped.load(r);
    m.send_errors = net.send_errors.load(r);
    if (reporter_) {
        const auto t = reporter_->traffic();
        m.rtcp_received = t.received;
        m.rtcp_malformed = t.malformed;
        m.rtcp_sent = t.sent;
        const auto f = reporter_->feedback();
        m.have_receiver_report = f.have_report;
        m.loss_fraction = f.loss_fraction;
        m.cumulative_lost = f.cumulative_lost;
        m.jitter = f.jitter;
        m.rtt = f.rtt;
        m.e2e_latency = f.e2e_latency;
        m.niq_latency = f.niq_latency;
        m.niq_stalling = f.niq_stalling;
    }
    if (const auto* fec = pipeline_->fec_writer()) {
        m.repair_packets = fec->stats().repair_packets.load(r);
        m.fec_blocks = fec->stats().blocks.load(r);
    }
    return m;
}

} // namespace rocd::transport
