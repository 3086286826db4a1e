#include "peers/inbound_budget.h"

namespace rocd::peers {

InboundBudget::InboundBudget(Limits limits)
    : limits_(limits), handshakes_(bucket(limits.handshakes_per_second)),
      untrusted_(bucket(limits.untrusted_in_all)) {}

LogLimit InboundBudget::bucket(std::size_t per_second) {
    return LogLimit(per_second, std::chrono::microseconds(1'000'000 / std::max<std::size_t>(per_second, 1)));
}

template <class Key>
LogLimit& InboundBudget::bucket_of(std::map<Key, LogLimit>& buckets, const Key& key, std::size_t per_second) {
    auto it = buckets.find(key);
    if (it == buckets.end()) {
        if (buckets.size() >= max_followed) {
            // Any one: a key forgotten starts again with a full bucket,
            // which the shared budgets still bound.
            buckets.erase(buckets.begin());
        }
        it = buckets.emplace(key, bucket(per_second)).first;
    }
    return it->second;
}

bool InboundBudget::handshake(const std::string& address) {
    const auto now = LogLimit::Clock::now();
    // The address's own budget first, so that one busy address does not
    // use up everyone's.
    if (!bucket_of(handshakes_by_address_, address, limits_.handshakes_per_address).allow(now) ||
        !handshakes_.allow(now)) {
        ++handshakes_deferred_;
        return false;
    }
    return true;
}

bool InboundBudget::untrusted_message(const p2p::RawKey& key) {
    const auto now = LogLimit::Clock::now();
    if (!bucket_of(untrusted_by_key_, key, limits_.untrusted_per_key).allow(now) || !untrusted_.allow(now)) {
        ++messages_dropped_;
        return false;
    }
    return true;
}

bool InboundBudget::trusted_request(const p2p::RawKey& key) {
    if (!bucket_of(trusted_by_key_, key, limits_.trusted_requests_per_key).allow()) {
        ++requests_refused_;
        return false;
    }
    return true;
}

} // namespace rocd::peers
