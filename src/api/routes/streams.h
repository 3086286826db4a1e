// /streams routes: create, list, read, change and delete streams.
#pragma once

#include "api/http/router.h"
#include "streams/stream_service.h"

namespace rocd::api {

void add_stream_routes(Router& router, streams::StreamService& streams);

} // namespace rocd::api
