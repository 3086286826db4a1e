// The set of device listeners a driver notifies.
#pragma once

#include <map>
#include <mutex>

#include "drivers/device.h"

namespace rocd::drivers {

/// Thread-safe listener registry. notify() holds a recursive lock while it
/// calls listeners, so that unsubscribe() returns only once the listener is
/// no longer running, while a listener may still call back into the driver.
class Listeners {
public:
    SubscriptionId add(DeviceListener listener);
    void remove(SubscriptionId id);
    void notify(DeviceEvent event, const DeviceInfo& info);

private:
    std::recursive_mutex mutex_;
    std::map<SubscriptionId, DeviceListener> listeners_;
    SubscriptionId next_ = 1;
};

} // namespace rocd::drivers
