// Which stored peer holds a key. The peer protocol asks on every message it
// receives (ZAP, budgets, ping, routing); the store would prepare and run a
// query each time, so the answers are kept until the repository has written
// to the peers table again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/peer.h"
#include "core/uid.h"
#include "store/peer_repository.h"

namespace rocd::peers {

class StoredKeys {
public:
    struct Entry {
        Uid uid;
        std::optional<PeerTrust> trust;
    };

    explicit StoredKeys(store::PeerRepository& repository) : repository_(repository) {}

    /// The stored peer bound to `public_key` (Z85), if any.
    std::optional<Entry> find(const std::string& public_key);

    /// Keys remembered at most (unknown keys count too: a flood of them must
    /// not grow memory without bound).
    static constexpr std::size_t max_remembered = 4096;

private:
    store::PeerRepository& repository_;
    std::uint64_t writes_seen_ = 0; // repository_.writes() when known_ was right
    std::unordered_map<std::string, std::optional<Entry>> known_;
};

} // namespace rocd::peers
