#include "api/routes/streams.h"

#include "api/http/json_body.h"
#include "api/http/problem.h"
#include "api/representation/stream_json.h"
#include "api/routes/cross_peer_streams.h"
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

} // namespace

void add_stream_routes(Router& router, streams::StreamService& streams, const Uid& self,
                       peers::RemoteStreams* remote) {
    router.add(http::verb::get, "/streams", [&streams](const RequestContext&) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& stream : streams.list()) {
            out.push_back(stream_json(stream));
        }
        return json_response(out);
    });

    router.add_async(http::verb::post, "/streams",
                     [&streams, self, remote](const RequestContext& context, Responder respond) {
                         auto body = parse_json_object(context.request);
                         if (!body) {
                             return respond(std::move(body.error()));
                         }
                         auto spec = parse_stream_post(*body);
                         if (!spec) {
                             return respond(problem(spec.error()));
                         }
                         auto created = [respond](Result<streams::StreamView> stream) {
                             if (!stream) {
                                 return respond(problem(stream.error()));
                             }
                             auto response = json_response(stream_json(*stream), http::status::created);
                             response.set(http::field::location, Uri::stream(stream->uid).str());
                             respond(std::move(response));
                         };
                         if (is_cross_peer(*spec, self)) {
                             return create_cross_peer(streams, remote, self, *spec, created);
                         }
                         streams.create(*spec, created);
                     });

    router.add(http::verb::get, "/streams/{stream}", [&streams](const RequestContext& context) {
        auto uid = stream_param(context);
        if (!uid) {
            return problem(uid.error());
        }
        auto stream = streams.get(*uid);
        return stream ? json_response(stream_json(*stream)) : problem(stream.error());
    });

    router.add_async(http::verb::patch, "/streams/{stream}",
                     [&streams, remote](const RequestContext& context, Responder respond) {
                         auto uid = stream_param(context);
                         if (!uid) {
                             return respond(problem(uid.error()));
                         }
                         auto body = parse_json_object(context.request);
                         if (!body) {
                             return respond(std::move(body.error()));
                         }
                         auto stream = streams.get(*uid);
                         if (!stream) {
                             return respond(problem(stream.error()));
                         }
                         auto answer = [respond](Result<streams::StreamView> updated) {
                             respond(updated ? json_response(stream_json(*updated))
                                             : problem(updated.error()));
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
        [&streams, remote](const RequestContext& context, Responder respond) {
            auto uid = stream_param(context);
            if (!uid) {
                return respond(problem(uid.error()));
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
