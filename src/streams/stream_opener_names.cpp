// StreamOpener::open: the host names of a plan's addresses are resolved
// (HostResolver: off the control thread, with a deadline) and checked like
// numeric ones before anything opens.
#include "streams/stream_fields.h"
#include "streams/stream_opener.h"

namespace rocd::streams {

void StreamOpener::open(const StreamSpec& spec, Done<std::unique_ptr<RunningStream>> done,
                        std::shared_ptr<transport::ReceiverSockets> kept) const {
    auto planned = plan(spec);
    if (!planned) {
        return done(tl::unexpected(planned.error()));
    }
    if (!planned->present()) {
        return done(
            fail(Errc::not_found, "a port of the stream is absent",
                 planned->capture && !planned->capture->present ? capture_field() : playback_field()));
    }
    open(spec, std::move(*planned), std::move(done), std::move(kept));
}

void StreamOpener::open(const StreamSpec& spec, StreamPlan plan, Done<std::unique_ptr<RunningStream>> done,
                        std::shared_ptr<transport::ReceiverSockets> kept) const {
    // The addresses the caller gave by name; a local stream's are rocd's own.
    struct Resolution {
        StreamSpec spec;
        StreamPlan plan;
        Done<std::unique_ptr<RunningStream>> done;
        std::shared_ptr<transport::ReceiverSockets> kept;
        std::size_t pending = 0;
        bool failed = false;

        transport::ReceiverSockets take_kept() {
            return kept ? std::move(*kept) : transport::ReceiverSockets {};
        }
    };
    auto state =
        std::make_shared<Resolution>(Resolution {spec, std::move(plan), std::move(done), std::move(kept)});
    std::vector<std::pair<std::optional<transport::Endpoint>*, transport::Interface>> named;
    auto collect = [&named](auto& config) {
        using transport::Interface;
        for (auto [endpoint, iface] :
             {std::pair {&config.source, Interface::source}, std::pair {&config.repair, Interface::repair},
              std::pair {&config.control, Interface::control}}) {
            if (*endpoint && !transport::has_numeric_host(**endpoint)) {
                named.emplace_back(endpoint, iface);
            }
        }
    };
    if (spec.direction == StreamDirection::send) {
        collect(state->plan.sender);
    } else if (spec.direction == StreamDirection::receive) {
        collect(state->plan.receiver);
    }
    if (named.empty()) {
        return state->done(open_resolved(state->spec, std::move(state->plan), state->take_kept()));
    }
    state->pending = named.size();
    for (const auto& name : named) {
        // Named, not a structured binding: a lambda may not capture one (C++20 before clang 16).
        auto* endpoint = name.first;
        const std::string field = address_field(spec, name.second);
        resolver_.resolve((*endpoint)->uri.host(), [this, state, endpoint, field](
                                                       Result<transport::address::SocketAddress> address) {
            if (state->failed) {
                return;
            }
            if (!address) {
                state->failed = true;
                Error error = address.error();
                error.message += " (" + field + ")";
                return state->done(fail_at(std::move(error), field));
            }
            **endpoint = transport::with_address(**endpoint, *address);
            auto checked = check_stream_address(state->spec, **endpoint, field);
            if (!checked) {
                state->failed = true;
                return state->done(tl::unexpected(checked.error()));
            }
            if (--state->pending == 0) {
                state->done(open_resolved(state->spec, std::move(state->plan), state->take_kept()));
            }
        });
    }
}

} // namespace rocd::streams
