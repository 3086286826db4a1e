// A URI as a client writes it in a stream's `source` or `destination`: the
// resource and endpoint URI parser, the endpoint parser of each interface
// and the address checks of each direction. A URI that parses has a
// canonical form that parses to the same URI (the API shows that form and
// must accept it back).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/uri.h"
#include "transport/config_checks.h"
#include "transport/endpoint.h"

namespace {

using namespace rocd;

void require(bool ok) {
    if (!ok) {
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) {
        return -1; // JSON fields this long are refused before they reach a URI
    }
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto uri = Uri::parse(text)) {
        const std::string canonical = uri->str();
        auto again = Uri::parse(canonical);
        require(again.has_value());
        require(again->str() == canonical);
        require(again->kind() == uri->kind());
    }
    for (auto iface :
         {transport::Interface::source, transport::Interface::repair, transport::Interface::control}) {
        auto endpoint = transport::parse_endpoint(text, iface);
        if (!endpoint) {
            require(!endpoint.error().message.empty());
            continue;
        }
        require(transport::protocol_interface(endpoint->protocol) == iface);
        auto again = transport::parse_endpoint(endpoint->uri.str(), iface);
        require(again.has_value() && again->protocol == endpoint->protocol);
        if (transport::has_numeric_host(*endpoint)) {
            (void)transport::check_destination(*endpoint, "destination");
            (void)transport::check_bind_address(*endpoint, "source");
        }
    }
    return 0;
}
