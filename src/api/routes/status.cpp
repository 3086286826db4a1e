#include "api/routes/status.h"

#include "api/http/json_body.h"
#include "api/representation/time_json.h"
#include "core/uri.h"
#include "core/version.h"

namespace rocd::api {

void add_status_routes(Router& router, const DaemonInfo& info) {
    // Unthrottled: monitors share 127.0.0.1 with every local program.
    router.add(http::verb::get, "/status",
               [&info](const RequestContext&) {
                   const std::chrono::duration<double> uptime =
                       std::chrono::steady_clock::now() - info.started;
                   return json_response({
                       {"version", version},
                       {"uptime_s", uptime.count()},
                       {"started_at", iso8601(info.started_at)},
                       {"driver", info.driver},
                       {"peer_uid", info.peer_uid.str()},
                       {"peer_uri", Uri::peer(PeerRef::of(info.peer_uid)).str()},
                   });
               },
               {.unthrottled = true});
}

} // namespace rocd::api
