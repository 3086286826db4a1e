#include "ports/port_service.h"

#include <future>
#include <memory>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "core/audio_limits.h"
#include "peers/peer_service.h"

namespace rocd::ports {

namespace {

drivers::VirtualDeviceSpec virtual_spec(const store::PortRecord& record) {
    drivers::VirtualDeviceSpec spec;
    spec.name = record.system_name;
    spec.display_name = record.display_name;
    spec.direction = record.direction;
    spec.channels = record.channels;
    spec.rate = record.rate;
    return spec;
}

// TODO(lead): async. These wait on the control thread for the driver's
// completion, which runs on a driver thread, so they cannot deadlock.
template <class T, class Start> Result<T> wait_for(Start start) {
    auto promise = std::make_shared<std::promise<Result<T>>>();
    auto future = promise->get_future();
    start([promise](Result<T> result) { promise->set_value(std::move(result)); });
    return future.get();
}

Result<drivers::DeviceInfo> create_blocking(drivers::DeviceDriver& driver,
                                            const drivers::VirtualDeviceSpec& spec) {
    return wait_for<drivers::DeviceInfo>(
        [&](auto done) { driver.create_virtual_device(spec, std::move(done)); });
}

Status destroy_blocking(drivers::DeviceDriver& driver, const std::string& name) {
    return wait_for<void>([&](auto done) { driver.destroy_virtual_device(name, std::move(done)); });
}

Status set_volume_blocking(drivers::DeviceDriver& driver, const std::string& name, float volume) {
    return wait_for<void>([&](auto done) { driver.set_volume(name, volume, std::move(done)); });
}

Status set_mute_blocking(drivers::DeviceDriver& driver, const std::string& name, bool mute) {
    return wait_for<void>([&](auto done) { driver.set_mute(name, mute, std::move(done)); });
}

} // namespace

PortService::PortService(boost::asio::io_context& io, drivers::DeviceDriver& driver,
                         store::PortRepository& repository, Uid self_uid)
    : io_(io), driver_(driver), repository_(repository), self_uid_(std::move(self_uid)) {}

PortService::~PortService() {
    if (subscription_) {
        driver_.unsubscribe(*subscription_);
    }
    alive_.reset();
}

Status PortService::start() {
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
        return tl::unexpected(rows.error());
    }
    for (auto& row : *rows) {
        records_.insert_or_assign(row.uid, row);
    }

    for (const auto& [uid, record] : records_) {
        if (record.port_type != PortType::virtual_device || record.driver != driver_.name()) {
            continue;
        }
        if (driver_.device(record.system_name)) {
            continue;
        }
        if (auto created = create_blocking(driver_, virtual_spec(record)); !created) {
            spdlog::warn("cannot re-create virtual device {} ({}): {}", record.system_name, uid.str(),
                         created.error().message);
        } else {
            spdlog::info("re-created virtual device {} ({})", record.system_name, uid.str());
        }
    }

    for (auto& device : driver_.devices()) {
        devices_[drivers::port_uid(driver_.name(), device.name)] = device;
    }
    for (const auto& [uid, record] : records_) {
        if (devices_.contains(uid)) {
            apply_stored_settings(record);
        }
    }

    listed_.clear();
    for (const auto& [uid, device] : devices_) {
        listed_.insert_or_assign(uid, *compose(uid));
    }
    for (const auto& [uid, record] : records_) {
        listed_.insert_or_assign(uid, *compose(uid));
    }
    return {};
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

Result<Port> PortService::create_virtual(const VirtualSpec& spec) {
    if (spec.direction == PortDirection::duplex) {
        return fail(Errc::invalid_argument,
                    "a virtual device is an output (virtual speaker) or an input (virtual microphone)",
                    "direction");
    }
    if (auto valid = limits::check_device_channels(spec.channels); !valid) {
        return tl::unexpected(valid.error());
    }
    if (auto valid = limits::check_rate(spec.rate); !valid) {
        return tl::unexpected(valid.error());
    }
    std::string display_name = spec.display_name;
    if (display_name.empty()) {
        display_name = spec.direction == PortDirection::output ? "Virtual speaker" : "Virtual microphone";
    }
    if (auto valid = peers::PeerService::validate_display_name(display_name, "display_name"); !valid) {
        return tl::unexpected(valid.error());
    }

    const std::string system_name = virtual_device_name(Uid::random());
    store::PortRecord record {{drivers::port_uid(driver_.name(), system_name), self_uid_}};
    record.system_name = system_name;
    record.port_type = PortType::virtual_device;
    record.direction = spec.direction;
    record.driver = std::string(driver_.name());
    record.display_name = display_name;
    record.channels = spec.channels;
    record.rate = spec.rate;

    auto device = create_blocking(driver_, virtual_spec(record));
    if (!device) {
        // The driver's field names ("name") mean nothing to the API client.
        auto error = device.error();
        if (error.field == "name") {
            error.field.clear();
        }
        return tl::unexpected(error);
    }
    auto stored = repository_.insert(record);
    if (!stored) {
        if (auto undone = destroy_blocking(driver_, record.system_name); !undone) {
            spdlog::error("cannot destroy virtual device {} after a store failure: {}", record.system_name,
                          undone.error().message);
        }
        return tl::unexpected(stored.error());
    }
    records_.insert_or_assign(record.uid, *stored);
    devices_[record.uid] = *device;
    refresh(record.uid);
    return get(record.uid);
}

Result<Port> PortService::update(const Uid& uid, const Update& update) {
    auto port = get(uid);
    if (!port) {
        return tl::unexpected(port.error());
    }
    if (!update.display_name && !update.volume && !update.mute) {
        return fail(Errc::invalid_argument, "nothing to change: give display_name, volume or mute");
    }
    if (update.display_name) {
        if (auto valid = peers::PeerService::validate_display_name(*update.display_name, "display_name");
            !valid) {
            return tl::unexpected(valid.error());
        }
    }
    if (update.volume) {
        if (auto valid = limits::check_volume(*update.volume); !valid) {
            return tl::unexpected(valid.error());
        }
    }

    auto existing = records_.find(uid);
    store::PortRecord record = existing != records_.end() ? existing->second : record_of(*port);
    if (existing == records_.end()) {
        // A present system device's row starts from what the driver says now.
        record.volume = port->volume;
        record.mute = port->mute;
    }
    if (update.display_name) {
        record.display_name = *update.display_name;
    }
    if (update.volume) {
        record.volume = *update.volume;
    }
    if (update.mute) {
        record.mute = *update.mute;
    }

    // Driver first (it may refuse), then the store; a store failure puts the
    // driver back as it was.
    const bool apply = port->present;
    if (apply && update.volume && *update.volume != port->volume) {
        if (auto done = set_volume_blocking(driver_, port->system_name, static_cast<float>(*update.volume));
            !done) {
            return tl::unexpected(done.error());
        }
    }
    if (apply && update.mute && *update.mute != port->mute) {
        if (auto done = set_mute_blocking(driver_, port->system_name, *update.mute); !done) {
            (void)set_volume_blocking(driver_, port->system_name, static_cast<float>(port->volume));
            return tl::unexpected(done.error());
        }
    }
    auto stored = existing != records_.end() ? repository_.update(record) : repository_.insert(record);
    if (!stored) {
        if (apply) {
            (void)set_volume_blocking(driver_, port->system_name, static_cast<float>(port->volume));
            (void)set_mute_blocking(driver_, port->system_name, port->mute);
        }
        return tl::unexpected(stored.error());
    }
    records_.insert_or_assign(uid, *stored);
    if (apply) {
        reread_device(uid, port->system_name);
    }
    refresh(uid);
    return get(uid);
}

Status PortService::remove(const Uid& uid) {
    auto port = get(uid);
    if (!port) {
        return tl::unexpected(port.error());
    }
    if (port->port_type != PortType::virtual_device) {
        return fail(
            Errc::conflict,
            "port " + uid.str() + " is a system device (" + port->system_name +
                "): only virtual devices can be deleted; a system device goes away when it is unplugged");
    }
    if (const int refs = references(uid); refs > 0) {
        return fail(Errc::conflict, "port " + uid.str() + " is in use (" + std::to_string(refs) +
                                        " reference(s), e.g. streams)");
    }
    // Store first: re-inserting a row is a sure undo, re-creating a device
    // is not.
    auto record = records_.find(uid);
    if (record != records_.end()) {
        if (auto removed = repository_.remove(uid); !removed && removed.error().code != Errc::not_found) {
            return removed;
        }
    }
    if (port->present) {
        auto destroyed = destroy_blocking(driver_, port->system_name);
        if (!destroyed && destroyed.error().code != Errc::not_found) {
            if (record != records_.end()) {
                if (auto back = repository_.insert(record->second); back) {
                    record->second = *back;
                } else {
                    spdlog::error("port {}: device kept but its store row is lost: {}", uid.str(),
                                  back.error().message);
                    records_.erase(record);
                }
            }
            auto error = destroyed.error();
            error.field.clear();
            return tl::unexpected(error);
        }
    }
    if (record != records_.end()) {
        records_.erase(record);
    }
    devices_.erase(uid);
    refresh(uid);
    return {};
}

Status PortService::retain(const Uid& uid) {
    auto port = get(uid);
    if (!port) {
        return tl::unexpected(port.error());
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
    auto info = driver_.device(name);
    if (info) {
        const bool returned = !devices_.contains(uid);
        devices_[uid] = *info;
        if (auto record = records_.find(uid); returned && record != records_.end()) {
            apply_stored_settings(record->second);
        }
    } else {
        devices_.erase(uid);
    }
    refresh(uid);
}

void PortService::apply_stored_settings(const store::PortRecord& record) {
    auto device = devices_.find(record.uid);
    if (device == devices_.end()) {
        return;
    }
    const auto& info = device->second;
    if (static_cast<float>(record.volume) != info.volume) {
        if (auto done = set_volume_blocking(driver_, info.name, static_cast<float>(record.volume)); !done) {
            spdlog::warn("port {}: cannot restore volume: {}", record.uid.str(), done.error().message);
        }
    }
    if (record.mute != info.mute) {
        if (auto done = set_mute_blocking(driver_, info.name, record.mute); !done) {
            spdlog::warn("port {}: cannot restore mute: {}", record.uid.str(), done.error().message);
        }
    }
    reread_device(record.uid, info.name);
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
