// What this build of the transport can do yet.
#pragma once

#include <optional>

#include "core/error.h"
#include "transport/endpoint.h"

namespace rocd::transport {

/// Fails with Errc::unsupported for FEC and RTCP endpoints, which are not
/// implemented yet, and with invalid_argument when no source is given.
Status check_supported(const std::optional<Endpoint>& source, const std::optional<Endpoint>& repair,
                       const std::optional<Endpoint>& control);

} // namespace rocd::transport
