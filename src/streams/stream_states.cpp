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
    const StreamState shown = shown_state(entry);
    if (entry.state == state && entry.error == error) {
        return;
    }
    entry.state = state;
    const bool error_changed = entry.error != error;
    entry.error = std::move(error);
    if (shown_state(entry) != shown || error_changed) {
        notify(StreamChange::state_changed, entry);
    }
}

StreamState StreamService::shown_state(const Entry& entry) const {
    const bool runs = entry.state == StreamState::starting || entry.state == StreamState::active ||
                      entry.state == StreamState::idle;
    if (runs && entry.spec && entry.spec->other_end && !online_peers_.contains(entry.spec->other_end->peer)) {
        return StreamState::waiting_for_peer;
    }
    return entry.state;
}

void StreamService::set_peer_online(const Uid& peer, bool online) {
    std::vector<std::pair<Entry*, StreamState>> halves;
    for (auto& entry : streams_) {
        if (entry->spec && entry->spec->other_end && entry->spec->other_end->peer == peer) {
            halves.emplace_back(entry.get(), shown_state(*entry));
        }
    }
    if (online) {
        online_peers_.insert(peer);
    } else {
        online_peers_.erase(peer);
    }
    for (auto [entry, shown] : halves) {
        if (shown_state(*entry) != shown) {
            notify(StreamChange::state_changed, *entry);
        }
    }
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
