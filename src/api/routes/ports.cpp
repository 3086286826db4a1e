#include "api/routes/ports.h"

#include "api/http/json_body.h"
#include "api/http/problem.h"
#include "api/representation/port_json.h"
#include "api/routes/peers.h"

namespace rocd::api {

namespace {

Result<Uid> port_param(const RequestContext& context) {
    auto uid = Uid::parse(context.params.at("port"));
    if (!uid) {
        return fail(Errc::invalid_argument, "port must be a port uid: " + uid.error().message, "port");
    }
    return *uid;
}

/// The peer of the path, resolved. Only this daemon's ports are known until
/// peers talk to each other: `local` is false for another known peer.
struct PeerTarget {
    Uid uid;
    bool local = false;
};

Result<PeerTarget> peer_target(const RequestContext& context, peers::PeerService& peers,
                               const ports::PortService& ports) {
    auto ref = peer_param(context);
    if (!ref) {
        return tl::unexpected(ref.error());
    }
    auto peer = peers.get(*ref);
    if (!peer) {
        return tl::unexpected(peer.error());
    }
    return PeerTarget {peer->uid, peer->uid == ports.self_uid()};
}

/// The mirror's age (RFC 9111 `Age`, seconds) on an answer from it.
void set_age(Response& response, const peers::MirroredPorts& mirrored) {
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() -
                                                                      mirrored.synced_at);
    response.set(http::field::age, std::to_string(std::max<std::int64_t>(0, age.count())));
}

Error protocol_off_error() {
    return Error {Errc::unsupported,
                  "the peer protocol is off (p2p_listen: off): other peers' ports cannot "
                  "be changed from here",
                  "peer"};
}

void respond_port(const Responder& respond, Result<Port> port) {
    respond(port ? json_response(port_json(*port)) : problem(port.error()));
}

} // namespace

void add_port_routes(Router& router, peers::PeerService& peers, ports::PortService& ports,
                     const peers::PortMirror* mirror, peers::RemotePorts* remote) {
    router.add(http::verb::get, "/peers/{peer}/ports",
               [&peers, &ports, mirror](const RequestContext& context) {
                   auto peer = peer_target(context, peers, ports);
                   if (!peer) {
                       return problem(peer.error());
                   }
                   nlohmann::json out = nlohmann::json::array();
                   if (peer->local) {
                       for (const auto& port : ports.list()) {
                           out.push_back(port_json(port));
                       }
                       return json_response(out);
                   }
                   // Another peer: its ports as mirrored (none before it was trusted
                   // and synced), with the mirror's age.
                   const auto* mirrored = mirror != nullptr ? mirror->of(peer->uid) : nullptr;
                   if (mirrored == nullptr) {
                       return json_response(out);
                   }
                   for (const auto& port : mirrored->items) {
                       out.push_back(port_json(port));
                   }
                   auto response = json_response(out);
                   set_age(response, *mirrored);
                   return response;
               });

    router.add_async(http::verb::post, "/peers/{peer}/ports",
                     [&peers, &ports, remote](const RequestContext& context, Responder respond) {
                         auto peer = peer_target(context, peers, ports);
                         if (!peer) {
                             return respond(problem(peer.error()));
                         }
                         auto body = parse_json_object(context.request);
                         if (!body) {
                             return respond(std::move(body.error()));
                         }
                         auto spec = parse_virtual_port(*body);
                         if (!spec) {
                             return respond(problem(spec.error()));
                         }
                         auto created = [respond](Result<Port> port) {
                             if (!port) {
                                 return respond(problem(port.error()));
                             }
                             auto response = json_response(port_json(*port), http::status::created);
                             response.set(http::field::location,
                                          Uri::port(PeerRef::of(port->peer_uid), port->uid).str());
                             respond(std::move(response));
                         };
                         if (peer->local) {
                             return ports.create_virtual(*spec, created);
                         }
                         if (remote == nullptr) {
                             return respond(problem(protocol_off_error()));
                         }
                         remote->create_virtual(peer->uid, std::move(*body), created);
                     });

    router.add(http::verb::get, "/peers/{peer}/ports/{port}",
               [&peers, &ports, mirror](const RequestContext& context) {
                   auto peer = peer_target(context, peers, ports);
                   if (!peer) {
                       return problem(peer.error());
                   }
                   auto uid = port_param(context);
                   if (!uid) {
                       return problem(uid.error());
                   }
                   if (!peer->local) {
                       const auto* mirrored = mirror != nullptr ? mirror->of(peer->uid) : nullptr;
                       if (mirrored != nullptr) {
                           for (const auto& port : mirrored->items) {
                               if (port.uid == *uid) {
                                   auto response = json_response(port_json(port));
                                   set_age(response, *mirrored);
                                   return response;
                               }
                           }
                       }
                       return problem(Error {Errc::not_found, "no port " + uid->str(), {}});
                   }
                   auto port = ports.get(*uid);
                   return port ? json_response(port_json(*port)) : problem(port.error());
               });

    router.add_async(http::verb::patch, "/peers/{peer}/ports/{port}",
                     [&peers, &ports, remote](const RequestContext& context, Responder respond) {
                         auto peer = peer_target(context, peers, ports);
                         if (!peer) {
                             return respond(problem(peer.error()));
                         }
                         auto uid = port_param(context);
                         if (!uid) {
                             return respond(problem(uid.error()));
                         }
                         auto body = parse_json_object(context.request);
                         if (!body) {
                             return respond(std::move(body.error()));
                         }
                         auto update = parse_port_patch(*body);
                         if (!update) {
                             return respond(problem(update.error()));
                         }
                         auto updated = [respond](Result<Port> port) {
                             respond_port(respond, std::move(port));
                         };
                         if (peer->local) {
                             return ports.update(*uid, *update, updated);
                         }
                         if (remote == nullptr) {
                             return respond(problem(protocol_off_error()));
                         }
                         remote->update(peer->uid, *uid, std::move(*body), updated);
                     });

    router.add_async(
        http::verb::delete_, "/peers/{peer}/ports/{port}",
        [&peers, &ports, remote](const RequestContext& context, Responder respond) {
            auto peer = peer_target(context, peers, ports);
            if (!peer) {
                return respond(problem(peer.error()));
            }
            auto uid = port_param(context);
            if (!uid) {
                return respond(problem(uid.error()));
            }
            auto removed = [respond](Status status) {
                respond(status ? Response {http::status::no_content, 11} : problem(status.error()));
            };
            if (peer->local) {
                return ports.remove(*uid, removed);
            }
            if (remote == nullptr) {
                return respond(problem(protocol_off_error()));
            }
            remote->remove(peer->uid, *uid, removed);
        });
}

} // namespace rocd::api
