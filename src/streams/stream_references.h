// The cross-peer streams this daemon coordinated between two other peers'
// ports (docs/p2p.md §20.2, §20.3): it holds neither end, only a reference
// (the stream's uid and its two ports), kept in the state database, so that
// it lists, shows and deletes the stream like one of its own. What the
// stream does is known from the two ends' peers.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/listener_list.h"
#include "core/uid.h"
#include "store/stream_reference_repository.h"
#include "streams/stream_view.h"

namespace rocd::streams {

struct StreamReference {
    Uid uid;
    std::string source_uri;      ///< a port of the sending peer
    std::string destination_uri; ///< a port of the receiving peer
    Uid sender;
    Uid receiver;
};

class StreamReferences {
public:
    explicit StreamReferences(store::StreamReferenceRepository& repository) : repository_(repository) {}

    /// Reads the stored references back (at start).
    Status start();

    /// Kept in the store, then told (StreamChange::added).
    Status add(const std::string& source_uri, const std::string& destination_uri, const Uid& uid);
    /// Forgotten in the store, then told (removed); not_found if unknown.
    Status remove(const Uid& uid);

    std::optional<StreamReference> get(const Uid& uid) const;
    const std::vector<StreamReference>& list() const { return references_; }

    using Listeners = ListenerList<StreamChange, StreamReference>;
    Listeners::Id add_listener(Listeners::Listener listener) { return listeners_.add(std::move(listener)); }

private:
    store::StreamReferenceRepository& repository_;
    std::vector<StreamReference> references_;
    Listeners listeners_;
};

} // namespace rocd::streams
