#include "transport/support.h"

#include <string>

#include "transport/fec/fec_scheme.h"

namespace rocd::transport {

Status check_supported(const std::optional<Endpoint>& source, const std::optional<Endpoint>& repair,
                       const std::optional<Endpoint>& control) {
    if (!source) {
        return fail(Errc::invalid_argument, "a source endpoint is required",
                    interface_name(Interface::source));
    }
    const auto source_fec = fec::fec_scheme_from_uri_scheme(protocol_scheme(source->protocol));
    if (repair) {
        const auto repair_fec = fec::fec_scheme_from_uri_scheme(protocol_scheme(repair->protocol));
        if (!source_fec) {
            return fail(Errc::invalid_argument,
                        std::string("repair endpoint '") + protocol_scheme(repair->protocol) +
                            "' needs a FEC source endpoint (rtp+rs8m:// or rtp+ldpc://), not rtp://",
                        interface_name(Interface::repair));
        }
        if (repair_fec != source_fec) {
            return fail(Errc::invalid_argument,
                        std::string("repair endpoint '") + protocol_scheme(repair->protocol) +
                            "' does not match the source's FEC scheme '" + protocol_scheme(source->protocol) +
                            "'",
                        interface_name(Interface::repair));
        }
    } else if (source_fec) {
        return fail(Errc::invalid_argument,
                    std::string("FEC source endpoint '") + protocol_scheme(source->protocol) +
                        "' needs a repair endpoint (" +
                        (*source_fec == fec::FecScheme::rs8m ? "rs8m" : "ldpc") + "://)",
                    interface_name(Interface::repair));
    }
    (void)control; // parse_endpoint() already checked that it is rtcp://
    return {};
}

} // namespace rocd::transport
