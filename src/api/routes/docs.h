// The API's own description: the OpenAPI document and its HTML rendering.
#pragma once

#include <filesystem>

#include "api/http/router.h"
#include "core/error.h"

namespace rocd::api {

/// Loads `openapi.yaml` and the Redoc bundle from `data_dir` (the daemon's
/// share/rocd) and adds `/openapi.yaml`, `/openapi.json`, `/docs` and
/// `/docs/redoc.standalone.js`. A missing or invalid document is an error:
/// the daemon does not start without its contract.
Status add_docs_routes(Router& router, const std::filesystem::path& data_dir);

} // namespace rocd::api
