#include "peers/stored_keys.h"

namespace rocd::peers {

std::optional<StoredKeys::Entry> StoredKeys::find(const std::string& public_key) {
    if (repository_.writes() != writes_seen_) {
        known_.clear();
        writes_seen_ = repository_.writes();
    }
    if (auto it = known_.find(public_key); it != known_.end()) {
        return it->second;
    }
    auto stored = repository_.find_by_key(public_key);
    if (!stored && stored.error().code != Errc::not_found) {
        return std::nullopt; // not remembered: the next question asks the store again
    }
    if (known_.size() >= max_remembered) {
        known_.clear();
    }
    std::optional<Entry> entry;
    if (stored) {
        entry = Entry {stored->uid, stored->trust};
    }
    known_.emplace(public_key, entry);
    return entry;
}

} // namespace rocd::peers
