#include "transport/net/source_rate_limit.h"

#include <algorithm>

namespace rocd::transport::net {

SourceRateLimit::SourceRateLimit(std::uint32_t packets_per_second, std::uint32_t burst)
    : rate_per_ns_(double(packets_per_second) / 1e9), burst_(double(std::max<std::uint32_t>(burst, 1))) {}

SourceRateLimit::Bucket& SourceRateLimit::find(const address::SocketAddress& from) {
    if (buckets_[last_].used && buckets_[last_].address == from) {
        return buckets_[last_];
    }
    std::size_t oldest = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        const Bucket& b = buckets_[i];
        if (b.used && b.address == from) {
            last_ = i;
            return buckets_[i];
        }
        const Bucket& o = buckets_[oldest];
        if (o.used && (!b.used || b.last_ns < o.last_ns)) {
            oldest = i;
        }
    }
    last_ = oldest;
    return buckets_[oldest] = Bucket {from, 0, burst_, false};
}

bool SourceRateLimit::allow(const address::SocketAddress& from, std::int64_t now_ns) {
    if (rate_per_ns_ <= 0) {
        return true;
    }
    Bucket& b = find(from);
    if (b.used && now_ns > b.last_ns) {
        b.tokens = std::min(burst_, b.tokens + double(now_ns - b.last_ns) * rate_per_ns_);
    }
    b.used = true;
    b.last_ns = std::max(b.last_ns, now_ns);
    if (b.tokens < 1.0) {
        return false;
    }
    b.tokens -= 1.0;
    return true;
}

} // namespace rocd::transport::net
