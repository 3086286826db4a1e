#include "transport/net/source_rate_limit.h"

#include <algorithm>
#include <chrono>

namespace rocd::transport::net {

SourceRateLimit::SourceRateLimit(std::uint32_t packets_per_second, std::uint32_t burst)
    : burst_(std::max<std::uint32_t>(burst, 1)),
      interval_(packets_per_second == 0
                    ? LogLimit::Clock::duration::zero()
                    : std::chrono::duration_cast<LogLimit::Clock::duration>(std::chrono::seconds(1)) /
                          packets_per_second) {}

SourceRateLimit::Bucket& SourceRateLimit::find(const address::SocketAddress& from, std::int64_t now_ns) {
    if (buckets_[last_].budget && buckets_[last_].address == from) {
        return buckets_[last_];
    }
    std::size_t oldest = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        const Bucket& b = buckets_[i];
        if (b.budget && b.address == from) {
            last_ = i;
            return buckets_[i];
        }
        const Bucket& o = buckets_[oldest];
        if (o.budget && (!b.budget || b.last_ns < o.last_ns)) {
            oldest = i;
        }
    }
    last_ = oldest;
    Bucket& fresh = buckets_[oldest];
    fresh.address = from;
    fresh.last_ns = now_ns;
    fresh.budget.emplace(burst_, interval_);
    return fresh;
}

bool SourceRateLimit::allow(const address::SocketAddress& from, std::int64_t now_ns) {
    if (interval_ == LogLimit::Clock::duration::zero()) {
        return true;
    }
    Bucket& b = find(from, now_ns);
    b.last_ns = std::max(b.last_ns, now_ns);
    return b.budget->allow(LogLimit::Clock::time_point(std::chrono::nanoseconds(b.last_ns)));
}

} // namespace rocd::transport::net
