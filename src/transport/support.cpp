#include "transport/support.h"

#include <string>

namespace rocd::transport {

Status check_supported(const std::optional<Endpoint>& source, const std::optional<Endpoint>& repair,
                       const std::optional<Endpoint>& control) {
    if (!source) {
        return fail(Errc::invalid_argument, "a source endpoint is required", "source");
    }
    if (source->protocol != Protocol::rtp) {
        return fail(Errc::unsupported,
                    std::string("FEC scheme '") + protocol_scheme(source->protocol) +
                        "' is not supported yet",
                    "source");
    }
    if (repair) {
        return fail(Errc::unsupported, "repair endpoints (FEC) are not supported yet", "repair");
    }
    if (control) {
        return fail(Errc::unsupported, "control endpoints (RTCP) are not supported yet", "control");
    }
    return {};
}

} // namespace rocd::transport
