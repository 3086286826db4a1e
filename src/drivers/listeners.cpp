#include "drivers/listeners.h"

#include <vector>

namespace rocd::drivers {

SubscriptionId Listeners::add(DeviceListener listener) {
    std::lock_guard lock(mutex_);
    const SubscriptionId id = next_++;
    listeners_.emplace(id, std::move(listener));
    return id;
}

void Listeners::remove(SubscriptionId id) {
    std::lock_guard lock(mutex_);
    listeners_.erase(id);
}

void Listeners::notify(DeviceEvent event, const DeviceInfo& info) {
    std::lock_guard lock(mutex_);
    std::vector<SubscriptionId> ids;
    ids.reserve(listeners_.size());
    for (auto& [id, _] : listeners_) {
        ids.push_back(id);
    }
    for (auto id : ids) {
        // A listener may unsubscribe itself or another one while we iterate.
        auto it = listeners_.find(id);
        if (it != listeners_.end()) {
            auto listener = it->second;
            listener(event, info);
        }
    }
}

} // namespace rocd::drivers
