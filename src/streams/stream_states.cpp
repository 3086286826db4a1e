// How a stream's state follows its ports and its traffic: restoring at
// start-up, (re)starting once its ports are present, and the timer that
// reads the metrics.
#include <algorithm>

#include "streams/stream_entry.h"

namespace rocd::streams {

void StreamService::arm_timer() {
    timer_.expires_after(options_.state_interval);
    std::weak_ptr<int> alive = alive_;
    timer_.async_wait([this, alive](const boost::system::error_code& ec) {
        if (ec || !alive.lock()) {
            return;
        }
        evaluate_states();
        arm_timer();
    });
}

void StreamService::start_or_wait(Entry& entry, std::shared_ptr<transport::ReceiverSockets> kept) {
    if (entry.stopping) {
        // Its old transport still holds the addresses.
        when_stopped(entry, [this, uid = entry.uid] {
            if (Entry* now = find(uid); now != nullptr && now->spec && !now->running) {
                start_or_wait(*now);
            }
        });
        return;
    }
    const auto generation = ++entry.generation;
    std::weak_ptr<int> alive = alive_;
    opener_.open(
        *entry.spec,
        [this, alive, uid = entry.uid, generation](Result<std::unique_ptr<RunningStream>> running) {
            Entry* entry = alive.lock() ? find(uid) : nullptr;
            if (entry == nullptr || entry->generation != generation || entry->running) {
                return; // stopped, restarted or deleted while its names resolved
            }
            if (running) {
                run(*entry, std::move(*running));
                set_state(*entry, StreamState::starting);
            } else if (running.error().code == Errc::not_found) {
                set_state(*entry, StreamState::waiting_for_port);
            } else {
                set_state(*entry, StreamState::error, running.error().message);
            }
        },
        std::move(kept));
}

void StreamService::set_state(Entry& entry, StreamState state, std::string error) {
    if (entry.state == state && entry.error == error) {
        return;
    }
    entry.state = state;
    entry.error = std::move(error);
    notify(StreamChange::state_changed, entry);
}

void StreamService::evaluate_states() {
    const auto now = Clock::now();
    for (auto& entry : streams_) {
        if (!entry->running) {
            continue;
        }
        const auto& r = *entry->running;
        // What arrives, for streams that receive; what leaves otherwise.
        const std::uint64_t flow =
            r.receiver ? r.receiver->metrics().packets_received : r.sender->metrics().packets_sent;
        if (flow > entry->last_flow) {
            entry->last_flow = flow;
            entry->last_flow_at = now;
            set_state(*entry, StreamState::active);
        } else if (now - entry->last_flow_at >= options_.idle_after) {
            set_state(*entry, StreamState::idle);
        }
    }
}

void StreamService::on_port_change(ports::PortService::Change change, const Port& port) {
    const bool present = change != ports::PortService::Change::removed && port.present;
    for (auto& entry : streams_) {
        if (!entry->spec) {
            continue;
        }
        const auto uids = port_uids(*entry->spec);
        if (std::find(uids.begin(), uids.end(), port.uid) == uids.end()) {
            continue;
        }
        if (change != ports::PortService::Change::removed) {
            retain_ports(*entry); // a restored stream whose port was not listed then
        }
        if (!present && entry->running) {
            stop(*entry);
            set_state(*entry, StreamState::waiting_for_port);
        } else if (present && entry->state == StreamState::waiting_for_port) {
            start_or_wait(*entry); // waits on while its other port is absent
        }
    }
}

} // namespace rocd::streams
