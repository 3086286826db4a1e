// Private to the port service: what its files share about calling the driver.
#pragma once

#include <memory>

#include <boost/asio/post.hpp>

#include "drivers/device_driver.h"
#include "ports/port_service.h"

namespace rocd::ports {

template <class T> drivers::Completion<T> PortService::on_control_plane(std::function<void(Result<T>)> fn) {
    std::weak_ptr<bool> alive = alive_;
    // Runs on the driver's thread, maybe after the service is gone: it
    // touches only the io_context, which outlives the driver.
    return [&io = io_, alive, fn = std::move(fn)](Result<T> result) mutable {
        boost::asio::post(io, [alive, fn = std::move(fn), result = std::move(result)]() mutable {
            if (alive.lock()) {
                fn(std::move(result));
            }
        });
    };
}

/// The driver's spec of a stored virtual device.
inline drivers::VirtualDeviceSpec virtual_spec(const store::PortRecord& record) {
    drivers::VirtualDeviceSpec spec;
    spec.name = record.system_name;
    spec.display_name = record.display_name;
    spec.direction = record.direction;
    spec.channels = record.channels;
    spec.rate = record.rate;
    return spec;
}

} // namespace rocd::ports
