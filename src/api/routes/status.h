// GET /status: what a client checks first.
#pragma once

#include <chrono>
#include <string>

#include "api/http/router.h"
#include "core/uid.h"

namespace rocd::api {

/// Facts about the running daemon that /status reports.
struct DaemonInfo {
    std::string driver;
    Uid peer_uid;
    std::chrono::system_clock::time_point started_at;
    std::chrono::steady_clock::time_point started;
};

void add_status_routes(Router& router, const DaemonInfo& info);

} // namespace rocd::api
