#include "streams/stream_references.h"

#include <algorithm>

#include "core/uri.h"

namespace rocd::streams {

namespace {

/// A reference whose two ports name their peers, or why not.
Result<StreamReference> reference_of(const Uid& uid, const std::string& source,
                                     const std::string& destination) {
    auto source_uri = Uri::parse(source);
    auto destination_uri = Uri::parse(destination);
    if (!source_uri || source_uri->kind() != Uri::Kind::port || source_uri->peer_ref().is_self() ||
        !destination_uri || destination_uri->kind() != Uri::Kind::port ||
        destination_uri->peer_ref().is_self()) {
        return fail(Errc::invalid_argument, "the reference of stream " + uid.str() +
                                                " does not name two peers' ports: " + source + ", " +
                                                destination);
    }
    return StreamReference {uid, source, destination, source_uri->peer_ref().uid(),
                            destination_uri->peer_ref().uid()};
}

} // namespace

Status StreamReferences::start() {
    auto stored = repository_.list();
    if (!stored) {
        return tl::unexpected(stored.error());
    }
    references_.clear();
    for (const auto& record : *stored) {
        auto reference = reference_of(record.stream, record.source_uri, record.destination_uri);
        if (!reference) {
            return tl::unexpected(reference.error());
        }
        references_.push_back(std::move(*reference));
    }
    return {};
}

Status StreamReferences::add(const std::string& source_uri, const std::string& destination_uri,
                             const Uid& uid) {
    if (get(uid)) {
        return {};
    }
    auto reference = reference_of(uid, source_uri, destination_uri);
    if (!reference) {
        return tl::unexpected(reference.error());
    }
    if (auto kept = repository_.add({uid, source_uri, destination_uri}); !kept) {
        return kept;
    }
    references_.push_back(*reference);
    listeners_.notify(StreamChange::added, *reference);
    return {};
}

Status StreamReferences::remove(const Uid& uid) {
    auto it = std::find_if(references_.begin(), references_.end(),
                           [&](const StreamReference& r) { return r.uid == uid; });
    if (it == references_.end()) {
        return fail(Errc::not_found, "no stream " + uid.str(), "stream");
    }
    if (auto forgotten = repository_.remove(uid); !forgotten) {
        return forgotten;
    }
    const StreamReference gone = *it;
    references_.erase(it);
    listeners_.notify(StreamChange::removed, gone);
    return {};
}

std::optional<StreamReference> StreamReferences::get(const Uid& uid) const {
    auto it = std::find_if(references_.begin(), references_.end(),
                           [&](const StreamReference& r) { return r.uid == uid; });
    return it == references_.end() ? std::nullopt : std::optional(*it);
}

} // namespace rocd::streams
