#include "api/routes/streams.h"

#include "api/http/json_body.h"
#include "api/http/problem.h"
#include "api/representation/stream_json.h"
#include "api/routes/coordinated_streams.h"
#include "api/routes/cross_peer_streams.h"
#include "api/routes/cross_peer_view.h"
#include "core/uri.h"

namespace rocd::api {

namespace {

Result<Uid> stream_param(const RequestContext& context) {
    auto uid = Uid::parse(context.params.at("stream"));
    if (!uid) {
        return fail(Errc::invalid_argument, "stream must be a stream uid: " + uid.error().message, "stream");
    }
    return uid;
}

Response created_response(nlohmann::json stream, const Uid& uid) {
    auto response = json_response(std::move(stream), http::status::created);
    response.set(http::field::location, Uri::stream(uid).str());
    return response;
}

} // namespace

void add_stream_routes(Router& router, StreamRouteServices services) {
    auto& streams = services.streams;
    auto& references = services.references;
    auto* remote = services.remote;
    const auto* mirror = services.mirror;
    const Uid self = services.self;
    auto shown = [self, mirror](const streams::StreamView& stream) {
        return shown_stream(stream, self, mirror);
    };

    router.add(http::verb::get, "/streams", [&streams, &references, shown, mirror](const RequestContext&) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& stream : streams.list()) {
            out.push_back(shown(stream));
        }
        for (const auto& reference : references.list()) {
            out.push_back(coordinated_json(reference, mirror));
        }
        return json_response(out);
    });

    router.add_async(
        http::verb::post, "/streams",
        [&streams, &references, self, remote, mirror, shown](const RequestContext& context,
                                                             Responder respond) {
            auto body = parse_json_object(context.request);
            if (!body) {
                return respond(std::move(body.error()));
            }
            auto spec = parse_stream_post(*body);
            if (!spec) {
                return respond(problem(spec.error()));
            }
            if (spec->direction == streams::StreamDirection::local && peer_of(spec->port_uri, self) &&
                peer_of(spec->playback_port_uri, self)) {
                return coordinate(references, remote, self, *spec,
                                  [respond, mirror](Result<streams::StreamReference> made) {
                                      respond(
                                          made ? created_response(coordinated_json(*made, mirror), made->uid)
                                               : problem(made.error()));
                                  });
            }
            auto created = [respond, shown](Result<streams::StreamView> stream) {
                respond(stream ? created_response(shown(*stream), stream->uid) : problem(stream.error()));
            };
            if (is_cross_peer(*spec, self)) {
                return create_cross_peer(streams, remote, self, *spec, created);
            }
            streams.create(*spec, created);
        });

    router.add(http::verb::get, "/streams/{stream}",
               [&streams, &references, shown, mirror](const RequestContext& context) {
                   auto uid = stream_param(context);
                   if (!uid) {
                       return problem(uid.error());
                   }
                   if (auto reference = references.get(*uid)) {
                       return json_response(coordinated_json(*reference, mirror));
                   }
                   auto stream = streams.get(*uid);
                   return stream ? json_response(shown(*stream)) : problem(stream.error());
               });

    router.add_async(
        http::verb::patch, "/streams/{stream}",
        [&streams, &references, remote, mirror, shown](const RequestContext& context, Responder respond) {
            auto uid = stream_param(context);
            if (!uid) {
                return respond(problem(uid.error()));
            }
            auto body = parse_json_object(context.request);
            if (!body) {
                return respond(std::move(body.error()));
            }
            if (auto reference = references.get(*uid)) {
                return update_coordinated(
                    remote, *reference, *body, [respond, &references, mirror, uid = *uid](Status updated) {
                        if (!updated) {
                            return respond(problem(updated.error()));
                        }
                        auto now = references.get(uid); // deleted meanwhile?
                        respond(now ? json_response(coordinated_json(*now, mirror))
                                    : problem(Error {Errc::not_found, "no stream " + uid.str(), "stream"}));
                    });
            }
            auto stream = streams.get(*uid);
            if (!stream) {
                return respond(problem(stream.error()));
            }
            auto answer = [respond, shown](Result<streams::StreamView> updated) {
                respond(updated ? json_response(shown(*updated)) : problem(updated.error()));
            };
            if (stream->spec && stream->spec->other_end) {
                return update_cross_peer(streams, remote, *stream, *body, std::move(answer));
            }
            auto settings = patched_settings(*stream, *body);
            if (!settings) {
                return respond(problem(settings.error()));
            }
            streams.update(*uid, *settings, std::move(answer));
        });

    router.add_async(
        http::verb::delete_, "/streams/{stream}",
        [&streams, &references, remote](const RequestContext& context, Responder respond) {
            auto uid = stream_param(context);
            if (!uid) {
                return respond(problem(uid.error()));
            }
            if (auto reference = references.get(*uid)) {
                auto removed = remove_coordinated(references, remote, *reference);
                return respond(removed ? Response {http::status::no_content, 11} : problem(removed.error()));
            }
            auto stream = streams.get(*uid);
            streams.remove(*uid, [respond, remote, stream](Status removed) {
                if (removed && stream) {
                    tell_other_end(remote, *stream);
                }
                respond(removed ? Response {http::status::no_content, 11} : problem(removed.error()));
            });
        });
}

} // namespace rocd::api
