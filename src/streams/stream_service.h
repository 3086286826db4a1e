// The stream service: creates, runs, persists and reports streams. Lives on
// the control plane's thread (no locks); audio moves on the AudioPump's
// worker, packets on the transport's NetworkLoop.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/done.h"
#include "core/error.h"
#include "core/listener_list.h"
#include "core/uid.h"
#include "drivers/device_driver.h"
#include "ports/port_service.h"
#include "store/stream_repository.h"
#include "streams/audio_pump.h"
#include "streams/stream_opener.h"
#include "streams/stream_spec.h"
#include "streams/stream_view.h"
#include "transport/net/network_loop.h"

namespace rocd::streams {

struct StreamServiceOptions {
    /// How often states are re-evaluated from the metrics.
    std::chrono::milliseconds state_interval {250};
    /// Without packets for this long an active stream becomes idle (and a
    /// starting one too, counted from its start).
    std::chrono::milliseconds idle_after {1000};
    /// Audio pump cycle.
    std::chrono::nanoseconds pump_period = std::chrono::milliseconds(3);
    /// SCHED_FIFO priority of the pump's thread; 0: normal scheduling.
    int pump_priority = 0;
    /// How full the pump keeps a playback ring.
    std::chrono::milliseconds playback_fill {30};
    /// How long the host name of a stream address may take to resolve, and
    /// how many lookups may be waiting on the name server at once.
    std::chrono::milliseconds resolve_deadline {5000};
    std::size_t max_lookups = 16;
    /// Streams this daemon keeps; one more is refused (Errc::limit_reached).
    std::size_t max_streams = 64;
    /// Senders one receiving stream plays at once (sessions; see
    /// transport's ReceiverPipeline for who gets one).
    std::size_t max_sessions_per_stream = 4;
};

class StreamService {
public:
    /// Ports are resolved, watched and retained through `ports`; `driver`
    /// only opens the audio streams of present ports.
    /// `codec` is how definitions are kept in `repository`.
    StreamService(boost::asio::io_context& io, ports::PortService& ports, drivers::DeviceDriver& driver,
                  store::StreamRepository& repository, SpecCodec codec, transport::net::NetworkLoop& loop,
                  StreamServiceOptions options = {});
    ~StreamService();
    StreamService(const StreamService&) = delete;
    StreamService& operator=(const StreamService&) = delete;

    /// Watches the ports, restores the stored streams (retaining their ports)
    /// and starts the state timer. Fails only if the store cannot be read.
    /// Call after PortService::start().
    Status start();

    /// Called on the control plane after every committed change.
    using Listeners = ListenerList<StreamChange, StreamView>;
    Listeners::Id add_listener(Listeners::Listener listener) { return listeners_.add(std::move(listener)); }
    void remove_listener(Listeners::Id id) { listeners_.remove(id); }

    /// Checks the spec against ports and transport, opens transport and
    /// device I/O, stores it. Nothing is left behind on failure. A stream of
    /// a listed but absent port is created waiting_for_port. Errors name the
    /// API field. Host names in the addresses are resolved first, off the
    /// control thread; `done` runs on the control plane, maybe before
    /// create() returns.
    ///
    /// A half of a cross-peer stream is created under the `uid` its
    /// coordinator drew (docs/p2p.md §20); creating it again answers it as
    /// it is, and a uid deleted here (a tombstone) is Errc::gone. A
    /// receiving half records the ports it bound.
    void create(const StreamSpec& spec, Done<StreamView> done, std::optional<Uid> uid = std::nullopt);
    /// Errc::not_found (field "stream") for an unknown uid.
    Result<StreamView> get(const Uid& uid) const;
    std::vector<StreamView> list() const;
    /// Restarts the transport with new settings, or keeps the old ones
    /// running on failure. `done` runs on the control plane once the new
    /// transport runs (the old one must close first; the pump lets go of it
    /// within a cycle), maybe before update() returns.
    void update(const Uid& uid, const StreamSettings& settings, Done<StreamView> done);
    /// A half of a cross-peer stream to new endpoints: a sending half to where
    /// the receiving peer now listens, a receiving half bound again (port 0:
    /// it records the ports it gets). Reopened as update() does.
    void readdress(const Uid& uid, const AddressSpec& address, Done<StreamView> done);
    /// Deletes the stream (at once: it is no longer listed); a half of a
    /// cross-peer stream leaves a tombstone, so that create() under its uid
    /// is Errc::gone from then on. `done` runs
    /// once its sockets and device I/O are closed.
    void remove(const Uid& uid, Done<void> done);

    /// Re-evaluates every stream's state now (the timer's work).
    void evaluate_states();
    /// A port changed (PortService's listener; on the control plane).
    void on_port_change(ports::PortService::Change change, const Port& port);
    /// Whether `peer` is reachable over the peer protocol (its link is
    /// online). Until it is, the halves of cross-peer streams with it show
    /// waiting_for_peer; their transport runs on, so that audio resumes
    /// without a word once both ends run again. Every peer starts offline.
    void set_peer_online(const Uid& peer, bool online);

    std::size_t size() const { return streams_.size(); }

private:
    struct Entry;

    /// Takes a PortService reference on each of the stream's listed ports
    /// it does not hold yet; release_ports() drops them all.
    void retain_ports(Entry& entry);
    void release_ports(Entry& entry);
    void run(Entry& entry, std::unique_ptr<RunningStream> running);
    /// Takes the transport out of the pump; `then` runs once it is closed.
    /// With `kept`, the receiver's sockets go there instead of closing.
    void stop(Entry& entry, std::function<void()> then = {},
              std::shared_ptr<transport::ReceiverSockets> kept = {});
    /// Runs `then` now, or after the stop in progress.
    void when_stopped(Entry& entry, std::function<void()> then);
    /// Stops the stream's transport and opens it again with `edit` applied to
    /// its spec (the old one runs again if that fails).
    void reopen(Entry& entry, std::function<void(StreamSpec&)> edit, Done<StreamView> done);
    void restart(Entry& entry, StreamSpec next, bool was_running, Done<StreamView> done,
                 std::shared_ptr<transport::ReceiverSockets> kept);
    Result<StreamView> add(const StreamSpec& spec, std::unique_ptr<RunningStream> running, Uid uid);
    Result<StreamView> restarted(Entry& entry, StreamSpec next, bool was_running,
                                 Result<std::unique_ptr<RunningStream>> running,
                                 std::shared_ptr<transport::ReceiverSockets> kept);
    void set_state(Entry& entry, StreamState state, std::string error = {});
    /// The state shown: the transport's, unless the other peer of a half is
    /// offline while the transport runs or waits to start.
    StreamState shown_state(const Entry& entry) const;
    /// Opens the stream's transport (taking the sockets in `kept`), or
    /// waits for its absent port.
    void start_or_wait(Entry& entry, std::shared_ptr<transport::ReceiverSockets> kept = {});
    StreamView view_of(const Entry& entry) const;
    StreamView notify(StreamChange change, const Entry& entry) const;
    Entry* find(const Uid& uid) const;
    void arm_timer();

    boost::asio::io_context& io_;
    ports::PortService& ports_;
    store::StreamRepository& repository_;
    const SpecCodec codec_;
    const StreamServiceOptions options_;
    HostResolver resolver_;
    const StreamOpener opener_;
    AudioPump pump_;
    boost::asio::steady_timer timer_;
    std::vector<std::unique_ptr<Entry>> streams_;
    std::size_t creating_ = 0;
    std::optional<ports::PortService::ListenerId> listener_;
    std::unordered_set<Uid> online_peers_;
    Listeners listeners_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

} // namespace rocd::streams
