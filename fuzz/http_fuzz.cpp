// Bytes on a connection to the API: Beast's request parser with the
// server's limits, the framing check, the access policy and the router
// with every route of the daemon behind it (in_process_daemon.h), up to
// eight pipelined requests per input. Whatever the requests, the daemon
// never answers 500 (a handler threw), every JSON body it sends parses,
// and every problem names its own status.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api/http/framing.h"
#include "fuzz/in_process_daemon.h"
#include "fuzz/private_network.h"

namespace {

using namespace rocd;
namespace http = api::http;

// As http_session.cpp: what a connection may send before it is refused.
constexpr std::size_t header_limit = 16 * 1024;
constexpr int requests_per_input = 8;

void require(bool ok, const char* what, const api::Response& res) {
    if (!ok) {
        std::fprintf(stderr, "fuzz: %s: %u %s\n", what, res.result_int(), res.body().c_str());
        std::abort();
    }
}

void check(const api::Response& res) {
    require(res.result() != http::status::internal_server_error, "a handler failed", res);
    const std::string_view type = res[http::field::content_type];
    const bool json = type == "application/json" || type == "application/problem+json";
    if (json && !res.body().empty()) {
        const auto body = nlohmann::json::parse(res.body(), nullptr, false);
        require(!body.is_discarded(), "invalid JSON", res);
        if (type == "application/problem+json") {
            require(body.contains("type") && body.contains("title"), "problem without type/title", res);
            require(body.value("status", 0u) == res.result_int(), "problem names another status", res);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::enter_private_network();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static fuzz::InProcessDaemon daemon;
    boost::asio::const_buffer rest(data, size);
    for (int n = 0; n < requests_per_input && rest.size() > 0; ++n) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(header_limit);
        parser.body_limit(api::max_body_size);
        parser.eager(false);
        boost::beast::error_code ec;
        // The header first, as the server reads it, then the body.
        while (!ec && !parser.is_header_done() && rest.size() > 0) {
            rest += parser.put(rest, ec);
            if (ec == http::error::need_more) {
                break; // the input ended in the middle of the header
            }
        }
        if (ec || !parser.is_header_done() || api::framing_problem(parser.get())) {
            break; // the server answers 400 and closes the connection
        }
        parser.eager(true);
        while (!ec && !parser.is_done() && rest.size() > 0) {
            rest += parser.put(rest, ec);
        }
        if (!parser.is_done()) {
            break; // malformed or cut off in the body: the server refuses or waits for the rest
        }
        check(daemon.serve(parser.get()));
        if (!parser.get().keep_alive()) {
            break;
        }
    }
    daemon.reset();
    return 0;
}
