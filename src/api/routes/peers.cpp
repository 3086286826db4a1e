#include "api/routes/peers.h"

#include "api/http/json_body.h"
#include "api/http/problem.h"
#include "api/representation/json_object.h"
#include "api/representation/peer_json.h"

namespace rocd::api {

Result<PeerRef> peer_param(const RequestContext& context) {
    const std::string& text = context.params.at("peer");
    if (text == "self") {
        return PeerRef::self();
    }
    auto uid = Uid::parse(text);
    if (!uid) {
        return fail(Errc::invalid_argument, "peer must be 'self' or a peer uid: " + uid.error().message,
                    "peer");
    }
    return PeerRef::of(*uid);
}

void add_peer_routes(Router& router, peers::PeerService& peers) {
    router.add(http::verb::get, "/peers", [&peers](const RequestContext&) {
        auto list = peers.list();
        if (!list) {
            return problem(list.error());
        }
        nlohmann::json out = nlohmann::json::array();
        for (const auto& peer : *list) {
            out.push_back(peer_json(peer));
        }
        return json_response(out);
    });

    router.add(http::verb::get, "/peers/{peer}", [&peers](const RequestContext& context) {
        auto ref = peer_param(context);
        if (!ref) {
            return problem(ref.error());
        }
        auto peer = peers.get(*ref);
        return peer ? json_response(peer_json(*peer)) : problem(peer.error());
    });

    router.add(http::verb::patch, "/peers/{peer}", [&peers](const RequestContext& context) {
        auto ref = peer_param(context);
        if (!ref) {
            return problem(ref.error());
        }
        auto body = parse_json_object(context.request);
        if (!body) {
            return std::move(body.error());
        }
        if (auto fields = check_fields(*body, {"display_name"}); !fields) {
            return problem(fields.error());
        }
        if (body->empty()) {
            return problem(Error {Errc::invalid_argument, "nothing to change: the body has no field", {}});
        }
        const auto& name = (*body)["display_name"];
        if (!name.is_string()) {
            return problem(Error {Errc::invalid_argument, "display_name must be a string", "display_name"});
        }
        auto peer = peers.rename(*ref, name.get<std::string>());
        return peer ? json_response(peer_json(*peer)) : problem(peer.error());
    });
}

} // namespace rocd::api
