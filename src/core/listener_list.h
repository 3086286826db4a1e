// The listeners of one service: how it reports committed changes. Control
// plane only, like the services; no locks.
#pragma once

#include <cstdint>
#include <functional>
#include <map>

namespace rocd {

template <class... Args> class ListenerList {
public:
    using Listener = std::function<void(const Args&...)>;
    using Id = std::uint64_t;

    Id add(Listener listener) {
        const Id id = next_++;
        listeners_.emplace(id, std::move(listener));
        return id;
    }

    void remove(Id id) { listeners_.erase(id); }

    /// Calls every listener in the order they were added. A listener may add
    /// or remove listeners: the ones called are those present on entry.
    void notify(const Args&... args) const {
        auto listeners = listeners_;
        for (const auto& [id, listener] : listeners) {
            listener(args...);
        }
    }

private:
    std::map<Id, Listener> listeners_;
    Id next_ = 1;
};

} // namespace rocd
