// Which combinations of endpoints this build of the transport accepts.
#pragma once

#include <optional>

#include "core/error.h"
#include "transport/endpoint.h"

namespace rocd::transport {

/// Checks that the endpoints make one consistent stream: a source is
/// required; a FEC source (rtp+rs8m, rtp+ldpc) needs a repair endpoint of
/// the same scheme and a repair endpoint needs such a source
/// (invalid_argument, naming the field).
Status check_supported(const std::optional<Endpoint>& source, const std::optional<Endpoint>& repair,
                       const std::optional<Endpoint>& control);

} // namespace rocd::transport
