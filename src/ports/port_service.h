// Ports: the audio devices of this daemon, system and virtual.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/done.h"
#include "core/error.h"
#include "core/listener_list.h"
#include "core/port.h"
#include "core/uid.h"
#include "drivers/device_driver.h"
#include "ports/port.h"
#include "store/port_repository.h"

namespace rocd::ports {

/// Owns the rules for ports. Merges what the driver lists now (present
/// devices) with what the store keeps (virtual devices rocd created and
/// settings the user changed), and publishes every visible change.
///
/// Lives on the control-plane thread like every service: no locks, and it
/// never waits. What the driver does asynchronously (creating and destroying
/// virtual devices, volume, mute) completes on the driver's thread and is
/// posted back; meanwhile other requests are served. Operations on one port
/// run one after the other, in the order they were asked for. Driver events
/// are posted too; the service then asks the driver for the device's current
/// state, so a late event never resurrects a device that is gone.
///
/// Which ports are listed:
/// - every device the driver lists now (state present);
/// - every port with a store row that the driver does not list (state
///   absent). A row exists for each virtual device, for a system device whose
///   display name, volume or mute was changed through the API, and for a
///   port that something retained (see retain()).
class PortService {
public:
    /// What happened to a listed port.
    enum class Change { added, updated, removed };
    /// Called on the control-plane thread after a change (a presence change
    /// is an `updated` with `present` flipped, or an added/removed).
    using Listeners = ListenerList<Change, Port>;
    using Listener = Listeners::Listener;
    using ListenerId = Listeners::Id;

    PortService(boost::asio::io_context& io, drivers::DeviceDriver& driver, store::PortRepository& repository,
                Uid self_uid);
    ~PortService();
    PortService(const PortService&) = delete;
    PortService& operator=(const PortService&) = delete;

    /// Subscribes to the driver, loads the stored ports, re-creates stored
    /// virtual devices the driver does not have (same name, so same uid) and
    /// applies stored volume/mute to present devices. `done` runs once the
    /// ports are listed; it fails only if the store cannot be read. A virtual
    /// device that cannot be re-created is logged and listed as absent.
    void start(Done<void> done);

    ListenerId add_listener(Listener listener);
    void remove_listener(ListenerId id);

    const Uid& self_uid() const { return self_uid_; }
    std::string_view driver_name() const { return driver_.name(); }

    /// Every listed port, sorted by uid.
    std::vector<Port> list() const;
    /// One port, or nullopt if it is not listed.
    std::optional<Port> find(const Uid& uid) const;
    /// One port; Errc::not_found if it is not listed.
    Result<Port> get(const Uid& uid) const;

    /// A new virtual device. `direction` output = virtual speaker (apps play
    /// into it), input = virtual microphone.
    struct VirtualSpec {
        PortDirection direction = PortDirection::output;
        /// Empty: "Virtual speaker" / "Virtual microphone".
        std::string display_name;
        std::uint32_t channels = 2;
        std::uint32_t rate = 48000;
        /// A peer's key for this create (docs/p2p.md §13): the device is
        /// named after it, so a repeated request gets the same port.
        std::optional<Uid> create_uid;
    };
    /// Creates the device and its store row; both or neither (a store
    /// failure destroys the device again). Errors name the field. With a
    /// create_uid whose port exists, answers that port and changes nothing.
    void create_virtual(const VirtualSpec& spec, Done<Port> done);

    /// Fields to change; at least one.
    struct Update {
        std::optional<std::string> display_name;
        std::optional<double> volume; ///< linear gain, limits::check_volume()
        std::optional<bool> mute;
    };
    /// Changes and persists settings. On an absent port the settings are
    /// stored and applied when the device comes back.
    void update(const Uid& uid, const Update& update, Done<Port> done);

    /// Removes a virtual device (driver and store). A system device:
    /// Errc::conflict; a retained port: Errc::conflict.
    void remove(const Uid& uid, Done<void> done);

    /// Marks a port as referenced (e.g. by a stream): it gets a store row,
    /// so it stays listed (absent) when unplugged and after a restart, and
    /// remove() refuses it. Counted; pair each retain() with a release().
    /// The count itself is not persisted: the referrer retains again at
    /// start-up. Errc::conflict while the port is being deleted.
    Status retain(const Uid& uid);
    /// Drops one reference. The store row stays (the port stays listed).
    void release(const Uid& uid);
    /// Number of references now.
    int references(const Uid& uid) const;

private:
    /// An operation on one port; it calls `finish` exactly once, when it is
    /// done with the port.
    using Operation = std::function<void(std::function<void()> finish)>;
    /// Runs `op` now if no other operation holds `uid`, else after them.
    void exclusive(const Uid& uid, Operation op);
    void finish_exclusive(const Uid& uid);

    /// A driver completion that runs `fn` on the control plane, unless the
    /// service is gone by then.
    template <class T> drivers::Completion<T> on_control_plane(std::function<void(Result<T>)> fn);

    void restore(std::function<void()> then);
    void list_initial_ports();
    void create_device(store::PortRecord record, drivers::DeviceInfo device, Done<Port> done);
    void apply_update(const Port& port, const Update& update, Done<Port> done);
    void store_update(const Port& port, const store::PortRecord& record, Done<Port> done);
    void remove_device(const Port& port, Done<void> done);
    void put_driver_back(const Port& port);

    std::optional<Port> compose(const Uid& uid) const;
    void refresh(const Uid& uid);
    void handle_device(const std::string& name);
    /// Puts the stored volume and mute on a present device; `then` (if set)
    /// runs once the driver answered.
    void apply_stored_settings(const store::PortRecord& record, std::function<void()> then = {});
    void apply_all_stored_settings(std::function<void()> then);
    void reread_device(const Uid& uid, const std::string& name);
    store::PortRecord record_of(const Port& port) const;

    boost::asio::io_context& io_;
    drivers::DeviceDriver& driver_;
    store::PortRepository& repository_;
    Uid self_uid_;

    /// Set once start() listed the ports; device events before that are
    /// covered by its enumeration.
    bool started_ = false;
    std::map<Uid, store::PortRecord> records_;
    std::map<Uid, drivers::DeviceInfo> devices_;
    std::map<Uid, int> references_;
    /// What listeners last saw, to turn any change into the right event.
    std::map<Uid, Port> listed_;
    /// Ports an operation holds, with the operations waiting for them (the
    /// running one is not in the queue). A held port's device events wait for
    /// the operation to finish.
    std::map<Uid, std::deque<Operation>> held_;
    std::set<Uid> removing_;

    Listeners listeners_;

    std::optional<drivers::SubscriptionId> subscription_;
    /// Posted work checks this, so none runs after destruction.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace rocd::ports
