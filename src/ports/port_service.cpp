#include "ports/port_service.h"

#include <memory>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "ports/driver_calls.h"

namespace rocd::ports {

PortService::PortService(boost::asio::io_context& io, drivers::DeviceDriver& driver,
                         store::PortRepository& repository, Uid self_uid)
    : io_(io), driver_(driver), repository_(repository), self_uid_(std::move(self_uid)) {}

PortService::~PortService() {
    if (subscription_) {
        driver_.unsubscribe(*subscription_);
    }
    alive_.reset();
}

void PortService::start(Done<void> done) {
    std::weak_ptr<bool> alive = alive_;
    subscription_ = driver_.subscribe([this, alive](drivers::DeviceEvent, const drivers::DeviceInfo& info) {
        // Driver thread: only hand the name over; the control plane asks the
        // driver for the current state when it gets there.
        boost::asio::post(io_, [this, alive, name = info.name] {
            if (alive.lock()) {
                handle_device(name);
            }
        });
    });

    auto rows = repository_.list_by_peer(self_uid_);
    if (!rows) {
        done(tl::unexpected(rows.error()));
        return;
    }
    for (auto& row : *rows) {
        records_.insert_or_assign(row.uid, row);
    }
    restore([this, done = std::move(done)]() mutable {
        apply_all_stored_settings([this, done = std::move(done)] {
            list_initial_ports();
            done({});
        });
    });
}

void PortService::restore(std::function<void()> then) {
    std::vector<const store::PortRecord*> missing;
    for (const auto& [uid, record] : records_) {
        if (record.port_type == PortType::virtual_device && record.driver == driver_.name() &&
            !driver_.device(record.system_name)) {
            missing.push_back(&record);
        }
    }
    if (missing.empty()) {
        then();
        return;
    }
    // All at once: the driver works on them in parallel.
    auto pending = std::make_shared<std::size_t>(missing.size());
    auto last = std::make_shared<std::function<void()>>(std::move(then));
    for (const auto* record : missing) {
        driver_.create_virtual_device(
            virtual_spec(*record),
            on_control_plane<drivers::DeviceInfo>(
                [uid = record->uid, name = record->system_name, pending, last](auto created) {
                    if (!created) {
                        spdlog::warn("cannot re-create virtual device {} ({}): {}", name, uid.str(),
                                     created.error().message);
                    } else {
                        spdlog::info("re-created virtual device {} ({})", name, uid.str());
                    }
                    if (--*pending == 0) {
                        (*last)();
                    }
                }));
    }
}

void PortService::list_initial_ports() {
    for (auto& device : driver_.devices()) {
        devices_[drivers::port_uid(driver_.name(), device.name)] = device;
    }
    listed_.clear();
    for (const auto& [uid, device] : devices_) {
        listed_.insert_or_assign(uid, *compose(uid));
    }
    for (const auto& [uid, record] : records_) {
        listed_.insert_or_assign(uid, *compose(uid));
    }
    started_ = true;
}

void PortService::apply_all_stored_settings(std::function<void()> then) {
    auto pending = std::make_shared<std::size_t>(records_.size() + 1);
    auto last = std::make_shared<std::function<void()>>(std::move(then));
    auto one_done = [pending, last] {
        if (--*pending == 0) {
            (*last)();
        }
    };
    for (const auto& [uid, record] : records_) {
        apply_stored_settings(record, one_done);
    }
    one_done();
}

PortService::ListenerId PortService::add_listener(Listener listener) {
    return listeners_.add(std::move(listener));
}

void PortService::remove_listener(ListenerId id) {
    listeners_.remove(id);
}

std::vector<Port> PortService::list() const {
    std::vector<Port> out;
    out.reserve(listed_.size());
    for (const auto& [uid, port] : listed_) {
        out.push_back(port);
    }
    return out;
}

std::optional<Port> PortService::find(const Uid& uid) const {
    auto it = listed_.find(uid);
    if (it == listed_.end()) {
        return std::nullopt;
    }
    return it->second;
}

Result<Port> PortService::get(const Uid& uid) const {
    if (auto port = find(uid)) {
        return *port;
    }
    return fail(Errc::not_found, "no port " + uid.str());
}

Status PortService::retain(const Uid& uid) {
    auto port = get(uid);
    if (!port) {
        return tl::unexpected(port.error());
    }
    if (removing_.contains(uid)) {
        return fail(Errc::conflict, "port " + uid.str() + " is being deleted");
    }
    if (!records_.contains(uid)) {
        auto stored = repository_.insert(record_of(*port));
        if (!stored) {
            return tl::unexpected(stored.error());
        }
        records_.insert_or_assign(uid, *stored);
    }
    ++references_[uid];
    return {};
}

void PortService::release(const Uid& uid) {
    auto it = references_.find(uid);
    if (it != references_.end() && --it->second <= 0) {
        references_.erase(it);
    }
}

int PortService::references(const Uid& uid) const {
    auto it = references_.find(uid);
    return it == references_.end() ? 0 : it->second;
}

std::optional<Port> PortService::compose(const Uid& uid) const {
    auto record = records_.find(uid);
    auto device = devices_.find(uid);
    if (device != devices_.end()) {
        const auto& info = device->second;
        Port port {uid, self_uid_};
        port.port_type = info.is_virtual ? PortType::virtual_device : PortType::system_device;
        port.direction = info.direction;
        port.driver = std::string(driver_.name());
        port.system_name = info.name;
        port.display_name = info.display_name;
        port.channels = info.channels;
        port.rate = info.rate;
        port.volume = info.volume;
        port.mute = info.mute;
        port.present = true;
        if (record != records_.end()) {
            port.port_type = record->second.port_type;
            port.display_name = record->second.display_name;
            // The driver keeps a float: show the value the client set.
            if (static_cast<float>(record->second.volume) == info.volume) {
                port.volume = record->second.volume;
            }
        }
        return port;
    }
    if (record != records_.end()) {
        Port port = record->second;
        port.present = false;
        return port;
    }
    return std::nullopt;
}

void PortService::refresh(const Uid& uid) {
    auto now = compose(uid);
    auto before = listed_.find(uid);
    std::optional<std::pair<Change, Port>> event;
    if (now && before == listed_.end()) {
        event.emplace(Change::added, *now);
        listed_.emplace(uid, *now);
    } else if (now && before->second != *now) {
        event.emplace(Change::updated, *now);
        before->second = *now;
    } else if (!now && before != listed_.end()) {
        event.emplace(Change::removed, before->second);
        listed_.erase(before);
    }
    if (!event) {
        return;
    }
    listeners_.notify(event->first, event->second);
}

void PortService::handle_device(const std::string& name) {
    const Uid uid = drivers::port_uid(driver_.name(), name);
    if (!started_ || held_.contains(uid)) {
        // start() enumerates, and an operation re-reads its port when it
        // finishes: either way the latest state is read then.
        return;
    }
    auto info = driver_.device(name);
    if (info) {
        const bool returned = !devices_.contains(uid);
        devices_[uid] = *info;
        if (auto record = records_.find(uid); returned && record != records_.end()) {
            // Shown once its settings are back on it: the operation's end
            // re-reads the device and refreshes.
            apply_stored_settings(record->second);
            return;
        }
    } else {
        devices_.erase(uid);
    }
    refresh(uid);
}

void PortService::apply_stored_settings(const store::PortRecord& record, std::function<void()> then) {
    exclusive(record.uid, [this, record, then](std::function<void()> release) {
        auto finish = [release, then] {
            release();
            if (then) {
                then();
            }
        };
        auto info = driver_.device(record.system_name);
        if (!info || record.driver != driver_.name()) {
            finish();
            return;
        }
        const bool volume = static_cast<float>(record.volume) != info->volume;
        const bool mute = record.mute != info->mute;
        if (!volume && !mute) {
            finish();
            return;
        }
        // Both asked at once; the port is released when both answered.
        auto pending = std::make_shared<int>(int(volume) + int(mute));
        auto report = [uid = record.uid, pending, finish](const char* what, Status done) {
            if (!done) {
                spdlog::warn("port {}: cannot restore {}: {}", uid.str(), what, done.error().message);
            }
            if (--*pending == 0) {
                finish();
            }
        };
        if (volume) {
            driver_.set_volume(info->name, static_cast<float>(record.volume),
                               on_control_plane<void>([report](Status st) { report("volume", st); }));
        }
        if (mute) {
            driver_.set_mute(info->name, record.mute,
                             on_control_plane<void>([report](Status st) { report("mute", st); }));
        }
    });
}

void PortService::exclusive(const Uid& uid, Operation op) {
    if (auto held = held_.find(uid); held != held_.end()) {
        held->second.push_back(std::move(op));
        return;
    }
    held_.emplace(uid, std::deque<Operation> {});
    // Not run from inside the queue: `finish` may start the next operation
    // while this one is still on the stack.
    op([this, uid] { finish_exclusive(uid); });
}

void PortService::finish_exclusive(const Uid& uid) {
    auto held = held_.find(uid);
    if (held == held_.end()) {
        return;
    }
    if (!held->second.empty()) {
        Operation next = std::move(held->second.front());
        held->second.pop_front();
        next([this, uid] { finish_exclusive(uid); });
        return;
    }
    held_.erase(held);
    // Catch up with what the driver said meanwhile.
    if (auto port = find(uid)) {
        handle_device(port->system_name);
    } else if (auto record = records_.find(uid); record != records_.end()) {
        handle_device(record->second.system_name);
    }
}

void PortService::reread_device(const Uid& uid, const std::string& name) {
    if (auto info = driver_.device(name)) {
        devices_[uid] = *info;
    }
}

store::PortRecord PortService::record_of(const Port& port) const {
    store::PortRecord record {port};
    record.peer_uid = self_uid_;
    record.present = false;
    return record;
}

} // namespace rocd::ports
