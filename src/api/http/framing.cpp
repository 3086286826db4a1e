#include "api/http/framing.h"

#include <boost/beast/core/string.hpp>

namespace rocd::api {

namespace {

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

} // namespace

std::optional<std::string> framing_problem(const Request& request) {
    const auto [begin, end] = request.equal_range(http::field::transfer_encoding);
    if (begin == end) {
        return std::nullopt;
    }
    if (request.count(http::field::content_length) > 0) {
        return "Transfer-Encoding and Content-Length together";
    }
    // The codings of every Transfer-Encoding line, in order; empty list
    // elements do not count (RFC 9110 §5.6.1).
    std::size_t codings = 0;
    bool chunked_only = true;
    for (auto it = begin; it != end; ++it) {
        std::string_view rest = it->value();
        for (;;) {
            const auto comma = rest.find(',');
            const auto coding = trim(rest.substr(0, comma));
            if (!coding.empty()) {
                ++codings;
                chunked_only = chunked_only && boost::beast::iequals(coding, "chunked");
            }
            if (comma == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(comma + 1);
        }
    }
    if (codings != 1 || !chunked_only) {
        return "Transfer-Encoding must be exactly \"chunked\" (the only coding rocd decodes)";
    }
    return std::nullopt;
}

} // namespace rocd::api
