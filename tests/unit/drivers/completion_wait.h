// Driver tests call the asynchronous operations as if they were
// synchronous: each helper waits for the completion (bounded, so that a
// completion that never comes fails the test instead of hanging it).
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "drivers/device_driver.h"

namespace rocd::test {

template <class T, class Start> Result<T> wait_for_completion(Start start) {
    auto promise = std::make_shared<std::promise<Result<T>>>();
    auto future = promise->get_future();
    start([promise](Result<T> result) { promise->set_value(std::move(result)); });
    if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
        return fail(Errc::internal, "test: no completion within 10 s");
    }
    return future.get();
}

inline Result<drivers::DeviceInfo> create_virtual(drivers::DeviceDriver& d,
                                                  const drivers::VirtualDeviceSpec& spec) {
    return wait_for_completion<drivers::DeviceInfo>(
        [&](auto done) { d.create_virtual_device(spec, std::move(done)); });
}

inline Status destroy_virtual(drivers::DeviceDriver& d, const std::string& name) {
    return wait_for_completion<void>([&](auto done) { d.destroy_virtual_device(name, std::move(done)); });
}

inline Status set_volume(drivers::DeviceDriver& d, const std::string& name, float volume) {
    return wait_for_completion<void>([&](auto done) { d.set_volume(name, volume, std::move(done)); });
}

inline Status set_mute(drivers::DeviceDriver& d, const std::string& name, bool mute) {
    return wait_for_completion<void>([&](auto done) { d.set_mute(name, mute, std::move(done)); });
}

} // namespace rocd::test
