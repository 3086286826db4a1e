// What rocd-send and rocd-recv share of roc-send/roc-recv's command line.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "transport/endpoint.h"

namespace rocd::tools {

/// The -s/--source, -r/--repair and -c/--control endpoint URIs, parsed.
/// Empty repair/control strings mean "not given".
struct Endpoints {
    transport::Endpoint source;
    std::optional<transport::Endpoint> repair;
    std::optional<transport::Endpoint> control;
};

Result<Endpoints> parse_endpoints(const std::string& source, const std::string& repair,
                                  const std::string& control);

/// Roc's tools log warnings by default, -v info, -vv (and more) debug.
void set_verbosity(int verbose);

} // namespace rocd::tools
