// The web admin (web/admin, bundled at build time into share/rocd/admin):
// its page at `/` and its files at `/admin/{file}`, read once at start.
#pragma once

#include <filesystem>

#include "api/http/router.h"

namespace rocd::api {

/// Adds `/` and a route per file of `data_dir/admin` (no directory
/// listing, no path taken from the request). Without the bundle, `/` says
/// what is missing. These are served without the bearer token
/// (AccessPolicy): the page asks for it.
void add_admin_routes(Router& router, const std::filesystem::path& data_dir);

} // namespace rocd::api
