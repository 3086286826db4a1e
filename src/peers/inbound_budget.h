// What remote keys may cost this daemon (docs/p2p.md §17.5): new CURVE
// handshakes in all and per client address, messages of keys it does not
// trust (each and in all), and requests of trusted keys. Token buckets that
// refill one token at a time; the state kept per key or address is bounded
// like everything else unauthenticated input creates (§9.4).
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

#include "core/log_limit.h"
#include "p2p/identity.h"

namespace rocd::peers {

class InboundBudget {
public:
    struct Limits {
        std::size_t handshakes_per_second = 20;
        std::size_t handshakes_per_address = 5;
        std::size_t untrusted_per_key = 5;
        std::size_t untrusted_in_all = 50;
        std::size_t trusted_requests_per_key = 200;
    };

    InboundBudget() : InboundBudget(Limits {}) {}
    explicit InboundBudget(Limits limits);

    /// A handshake of a key that is not trusted, from `address`: false when
    /// over budget (ZAP then answers 300: the client tries again later).
    bool handshake(const std::string& address);
    /// A message of a key that is not trusted: false when over its own
    /// budget or the shared one (then it is dropped unanswered).
    bool untrusted_message(const p2p::RawKey& key);
    /// A request of a trusted key: false when over budget (answered `busy`).
    bool trusted_request(const p2p::RawKey& key);

    /// What went over budget, for the log and tests.
    std::uint64_t handshakes_deferred() const { return handshakes_deferred_; }
    std::uint64_t messages_dropped() const { return messages_dropped_; }
    std::uint64_t requests_refused() const { return requests_refused_; }

    /// Keys or addresses followed at most each (the oldest is forgotten).
    static constexpr std::size_t max_followed = 256;

private:
    /// `per_second` tokens at most, one back every 1/per_second s.
    static LogLimit bucket(std::size_t per_second);
    template <class Key>
    LogLimit& bucket_of(std::map<Key, LogLimit>& buckets, const Key& key, std::size_t per_second);

    Limits limits_;
    LogLimit handshakes_;
    std::map<std::string, LogLimit> handshakes_by_address_;
    LogLimit untrusted_;
    std::map<p2p::RawKey, LogLimit> untrusted_by_key_;
    std::map<p2p::RawKey, LogLimit> trusted_by_key_;
    std::uint64_t handshakes_deferred_ = 0;
    std::uint64_t messages_dropped_ = 0;
    std::uint64_t requests_refused_ = 0;
};

} // namespace rocd::peers
