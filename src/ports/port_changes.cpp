// The port service's changes: create, update and remove. Each one runs as
// an exclusive operation on its port and continues in driver completions,
// so the control plane never waits for the audio server.
#include <spdlog/spdlog.h>

#include "core/audio_limits.h"
#include "core/display_name.h"
#include "ports/driver_calls.h"
#include "ports/port_service.h"

namespace rocd::ports {

void PortService::create_virtual(const VirtualSpec& spec, Done<Port> done) {
    if (spec.direction == PortDirection::duplex) {
        done(fail(Errc::invalid_argument,
                  "a virtual device is an output (virtual speaker) or an input (virtual microphone)",
                  "direction"));
        return;
    }
    for (auto valid : {limits::check_device_channels(spec.channels), limits::check_rate(spec.rate)}) {
        if (!valid) {
            done(tl::unexpected(valid.error()));
            return;
        }
    }
    std::string display_name = spec.display_name;
    if (display_name.empty()) {
        display_name = spec.direction == PortDirection::output ? "Virtual speaker" : "Virtual microphone";
    }
    if (auto valid = check_display_name(display_name, "display_name"); !valid) {
        done(tl::unexpected(valid.error()));
        return;
    }

    const std::string system_name = virtual_device_name(spec.create_uid.value_or(Uid::random()));
    store::PortRecord record {{drivers::port_uid(driver_.name(), system_name), self_uid_}};
    record.system_name = system_name;
    record.port_type = PortType::virtual_device;
    record.direction = spec.direction;
    record.driver = std::string(driver_.name());
    record.display_name = display_name;
    record.channels = spec.channels;
    record.rate = spec.rate;

    exclusive(record.uid, [this, record, done = std::move(done)](std::function<void()> finish) mutable {
        if (auto existing = get(record.uid)) {
            // Only a create_uid names a device that can exist already: the
            // same request again (§7.3).
            done(std::move(*existing));
            finish();
            return;
        }
        driver_.create_virtual_device(
            virtual_spec(record),
            on_control_plane<drivers::DeviceInfo>(
                [this, record, done = std::move(done), finish](Result<drivers::DeviceInfo> device) mutable {
                    if (!device) {
                        // The driver's field names ("name") mean nothing to
                        // the API client.
                        auto error = device.error();
                        if (error.field == "name") {
                            error.field.clear();
                        }
                        done(tl::unexpected(error));
                        finish();
                        return;
                    }
                    create_device(std::move(record), std::move(*device), [done, finish](Result<Port> port) {
                        done(std::move(port));
                        finish();
                    });
                }));
    });
}

void PortService::create_device(store::PortRecord record, drivers::DeviceInfo device, Done<Port> done) {
    auto stored = repository_.insert(record);
    if (!stored) {
        driver_.destroy_virtual_device(
            record.system_name, on_control_plane<void>([name = record.system_name](Status undone) {
                if (!undone) {
                    spdlog::error("cannot destroy virtual device {} after a store failure: {}", name,
                                  undone.error().message);
                }
            }));
        done(tl::unexpected(stored.error()));
        return;
    }
    records_.insert_or_assign(record.uid, *stored);
    devices_[record.uid] = std::move(device);
    refresh(record.uid);
    done(get(record.uid));
}

void PortService::update(const Uid& uid, const Update& update, Done<Port> done) {
    exclusive(uid, [this, uid, update, done = std::move(done)](std::function<void()> finish) {
        auto port = get(uid);
        if (!port) {
            done(tl::unexpected(port.error()));
            finish();
            return;
        }
        apply_update(*port, update, [done, finish](Result<Port> result) {
            done(std::move(result));
            finish();
        });
    });
}

void PortService::apply_update(const Port& port, const Update& update, Done<Port> done) {
    if (!update.display_name && !update.volume && !update.mute) {
        done(fail(Errc::invalid_argument, "nothing to change: give display_name, volume or mute"));
        return;
    }
    if (update.display_name) {
        if (auto valid = check_display_name(*update.display_name, "display_name"); !valid) {
            done(tl::unexpected(valid.error()));
            return;
        }
    }
    if (update.volume) {
        if (auto valid = limits::check_volume(*update.volume); !valid) {
            done(tl::unexpected(valid.error()));
            return;
        }
    }

    auto existing = records_.find(port.uid);
    store::PortRecord record = existing != records_.end() ? existing->second : record_of(port);
    if (update.display_name) {
        record.display_name = *update.display_name;
    }
    if (update.volume) {
        record.volume = *update.volume;
    }
    if (update.mute) {
        record.mute = *update.mute;
    }

    // Driver first (it may refuse), then the store; a failure after the
    // driver changed puts the driver back as it was. An absent port's
    // settings are stored and applied when it comes back.
    const bool volume = port.present && update.volume && *update.volume != port.volume;
    const bool mute = port.present && update.mute && *update.mute != port.mute;
    auto after_volume = [this, port, record, mute, done](Status set) {
        if (!set) {
            done(tl::unexpected(set.error()));
            return;
        }
        if (!mute) {
            store_update(port, record, done);
            return;
        }
        driver_.set_mute(port.system_name, record.mute,
                         on_control_plane<void>([this, port, record, done](Status muted) {
                             if (!muted) {
                                 put_driver_back(port);
                                 done(tl::unexpected(muted.error()));
                                 return;
                             }
                             store_update(port, record, done);
                         }));
    };
    if (volume) {
        driver_.set_volume(port.system_name, static_cast<float>(record.volume),
                           on_control_plane<void>(std::move(after_volume)));
    } else {
        after_volume({});
    }
}

void PortService::store_update(const Port& port, const store::PortRecord& record, Done<Port> done) {
    auto stored = records_.contains(port.uid) ? repository_.update(record) : repository_.insert(record);
    if (!stored) {
        if (port.present) {
            put_driver_back(port);
        }
        done(tl::unexpected(stored.error()));
        return;
    }
    records_.insert_or_assign(port.uid, *stored);
    if (port.present) {
        reread_device(port.uid, port.system_name);
    }
    refresh(port.uid);
    done(get(port.uid));
}

void PortService::put_driver_back(const Port& port) {
    auto report = [uid = port.uid](Status st) {
        if (!st) {
            spdlog::warn("port {}: cannot put the device's volume or mute back: {}", uid.str(),
                         st.error().message);
        }
    };
    driver_.set_volume(port.system_name, static_cast<float>(port.volume), on_control_plane<void>(report));
    driver_.set_mute(port.system_name, port.mute, on_control_plane<void>(report));
}

void PortService::remove(const Uid& uid, Done<void> done) {
    exclusive(uid, [this, uid, done = std::move(done)](std::function<void()> finish) {
        auto port = get(uid);
        if (!port) {
            done(tl::unexpected(port.error()));
            finish();
            return;
        }
        if (port->port_type != PortType::virtual_device) {
            done(fail(Errc::conflict, "port " + uid.str() + " is a system device (" + port->system_name +
                                          "): only virtual devices can be deleted; a system device goes "
                                          "away when it is unplugged"));
            finish();
            return;
        }
        if (const int refs = references(uid); refs > 0) {
            done(fail(Errc::conflict, "port " + uid.str() + " is in use (" + std::to_string(refs) +
                                          " reference(s), e.g. streams)"));
            finish();
            return;
        }
        removing_.insert(uid);
        remove_device(*port, [this, uid, done, finish](Status removed) {
            removing_.erase(uid);
            done(std::move(removed));
            finish();
        });
    });
}

void PortService::remove_device(const Port& port, Done<void> done) {
    // Store first: re-inserting a row is a sure undo, re-creating a device
    // is not.
    const bool had_row = records_.contains(port.uid);
    if (had_row) {
        if (auto removed = repository_.remove(port.uid);
            !removed && removed.error().code != Errc::not_found) {
            done(removed);
            return;
        }
    }
    auto forget = [this, uid = port.uid, done] {
        records_.erase(uid);
        devices_.erase(uid);
        refresh(uid);
        done({});
    };
    if (!port.present) {
        forget();
        return;
    }
    driver_.destroy_virtual_device(
        port.system_name,
        on_control_plane<void>([this, uid = port.uid, had_row, forget, done](Status destroyed) {
            if (destroyed || destroyed.error().code == Errc::not_found) {
                forget();
                return;
            }
            if (auto record = records_.find(uid); had_row && record != records_.end()) {
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
            done(tl::unexpected(error));
        }));
}

} // namespace rocd::ports
