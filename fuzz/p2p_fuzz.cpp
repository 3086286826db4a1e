// One frame on a peer-protocol socket (docs/p2p.md §5): the message codec.
// A frame it takes encodes back to a frame it takes as the same message; a
// frame it refuses says why, and names a request id only when the frame
// carried one (the only frames that are answered).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "p2p/message.h"

namespace {

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
    auto message = rocd::p2p::decode(frame);
    if (!message) {
        require(!message.error().detail.empty());
        if (message.error().request_id) {
            const auto doc = nlohmann::json::parse(frame, nullptr, false);
            require(doc.is_object() && doc.contains("id"));
        }
        return 0;
    }
    const std::string again = rocd::p2p::encode(*message);
    auto second = rocd::p2p::decode(again);
    require(second.has_value());
    require(second->type == message->type && second->id == message->id && second->re == message->re &&
            second->timeout_ms == message->timeout_ms);
    require(rocd::p2p::encode(*second) == again);
    return 0;
}
