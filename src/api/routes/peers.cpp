#include "api/routes/peers.h"

#include "api/http/json_body.h"
#include "api/http/problem.h"
#include "api/representation/json_object.h"
#include "api/representation/peer_json.h"
#include "api/representation/time_json.h"
#include "core/uri.h"

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

namespace {

/// An open pairing (only REST shows one); the code only on the side that shows it.
nlohmann::json pairing_json(const peers::Pairing& pairing) {
    nlohmann::json json {
        {"pairing_id", pairing.pairing_id.str()},
        {"peer_uri", Uri::peer(PeerRef::of(pairing.peer_uid)).str()},
        {"direction", pairing.outgoing ? "outgoing" : "incoming"},
        {"expires_at", iso8601(pairing.expires_at)},
    };
    if (!pairing.code.empty()) {
        json["code"] = pairing.code;
    }
    return json;
}

/// A remote peer's uid from `{peer}`, and the pairings to use with it.
Result<Uid> pairing_peer(const RequestContext& context, const peers::Pairings* pairings) {
    auto ref = peer_param(context);
    if (!ref) {
        return tl::unexpected(ref.error());
    }
    if (pairings == nullptr) {
        return fail(Errc::unsupported, "the peer protocol is off (p2p_listen: off)", "peer");
    }
    if (ref->is_self()) {
        return fail(Errc::invalid_argument, "a daemon does not pair with itself", "peer");
    }
    return ref->uid();
}

void add_pairing_routes(Router& router, peers::Pairings* pairings) {
    router.add_async(http::verb::post, "/peers/{peer}/pairing",
                     [pairings](const RequestContext& context, Responder respond) {
                         auto uid = pairing_peer(context, pairings);
                         if (!uid) {
                             return respond(problem(uid.error()));
                         }
                         pairings->start(*uid, [respond](Result<peers::Pairing> pairing) {
                             respond(pairing ? json_response(pairing_json(*pairing), http::status::created)
                                             : problem(pairing.error()));
                         });
                     });

    router.add(http::verb::get, "/peers/{peer}/pairing", [pairings](const RequestContext& context) {
        auto uid = pairing_peer(context, pairings);
        if (!uid) {
            return problem(uid.error());
        }
        auto pairing = pairings->get(*uid);
        return pairing ? json_response(pairing_json(*pairing)) : problem(pairing.error());
    });

    router.add(http::verb::delete_, "/peers/{peer}/pairing", [pairings](const RequestContext& context) {
        auto uid = pairing_peer(context, pairings);
        if (!uid) {
            return problem(uid.error());
        }
        auto cancelled = pairings->cancel(*uid);
        return cancelled ? Response {http::status::no_content, 11} : problem(cancelled.error());
    });

    router.add_async(
        http::verb::post, "/peers/{peer}/pairing/confirm",
        [pairings](const RequestContext& context, Responder respond) {
            auto uid = pairing_peer(context, pairings);
            if (!uid) {
                return respond(problem(uid.error()));
            }
            auto body = parse_json_object(context.request);
            if (!body) {
                return respond(std::move(body.error()));
            }
            if (auto fields = check_fields(*body, {"code"}); !fields) {
                return respond(problem(fields.error()));
            }
            const auto& code = (*body)["code"];
            if (!code.is_string()) {
                return respond(problem(Error {Errc::invalid_argument,
                                              "code must be the six digits the other daemon shows", "code"}));
            }
            pairings->confirm(*uid, code.get<std::string>(), [respond](Result<Peer> peer) {
                respond(peer ? json_response(peer_json(*peer)) : problem(peer.error()));
            });
        });
}

} // namespace

void add_peer_routes(Router& router, peers::PeerService& peers, peers::Pairings* pairings) {
    add_pairing_routes(router, pairings);

    router.add(http::verb::post, "/peers", [&peers](const RequestContext& context) {
        auto body = parse_json_object(context.request);
        if (!body) {
            return std::move(body.error());
        }
        if (auto fields = check_fields(*body, {"address", "public_key"}); !fields) {
            return problem(fields.error());
        }
        for (const char* field : {"address", "public_key"}) {
            if (!body->contains(field) || !(*body)[field].is_string()) {
                return problem(Error {Errc::invalid_argument,
                                      std::string(field) + " must be a string (the key: its GET /peers/self)",
                                      field});
            }
        }
        const auto address = (*body)["address"].get<std::string>();
        const auto key = (*body)["public_key"].get<std::string>();
        if (auto dialed = peers.add_static(address, key); !dialed) {
            return problem(dialed.error());
        }
        // Accepted: the peer is listed once it answers (as discovered).
        return json_response({{"address", address}, {"public_key", key}}, http::status::accepted);
    });

    router.add(http::verb::delete_, "/peers/{peer}", [&peers](const RequestContext& context) {
        auto ref = peer_param(context);
        if (!ref) {
            return problem(ref.error());
        }
        auto peer = peers.revoke(*ref);
        return peer ? json_response(peer_json(*peer)) : problem(peer.error());
    });

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
