#include "api/routes/collections.h"

#include "api/http/json_body.h"
#include "api/http/problem.h"
#include "api/routes/peers.h"

namespace rocd::api {

void add_collection_routes(Router& router, [[maybe_unused]] peers::PeerService& peers, store::Store& store) {
    router.add(http::verb::get, "/streams", [&store](const RequestContext&) {
        auto streams = store.streams().list();
        if (!streams) {
            return problem(streams.error());
        }
        nlohmann::json out = nlohmann::json::array();
        for (const auto& stream : *streams) {
            nlohmann::json item = nlohmann::json::parse(stream.spec, nullptr, false);
            if (!item.is_object()) {
                item = nlohmann::json::object();
            }
            item["stream_uri"] = Uri::stream(stream.uid).str();
            item["stream_uid"] = stream.uid.str();
            // Nothing runs streams without the stream service.
            item["state"] = "error";
            item["error"] = "this daemon does not run streams yet";
            out.push_back(std::move(item));
        }
        return json_response(out);
    });
}

} // namespace rocd::api
