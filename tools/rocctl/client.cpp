#include "client.h"

#include <limits>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace rocctl {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

rocd::Result<beast::tcp_stream> connect(asio::io_context& io, const Endpoint& endpoint) {
    beast::error_code ec;
    tcp::resolver resolver(io);
    const auto results = resolver.resolve(endpoint.host, endpoint.port, ec);
    if (ec) {
        return rocd::fail(rocd::Errc::unavailable, "cannot resolve " + endpoint.host + ": " + ec.message());
    }
    beast::tcp_stream stream(io);
    stream.connect(results, ec);
    if (ec) {
        return rocd::fail(rocd::Errc::unavailable, "cannot connect to rocd at " + endpoint.host + ":" +
                                                       endpoint.port + ": " + ec.message() +
                                                       " (is it running? see --url)");
    }
    return stream;
}

http::request<http::string_body> make_request(const Endpoint& endpoint, http::verb method,
                                              const std::string& target) {
    http::request<http::string_body> req {method, target, 11};
    req.set(http::field::host, endpoint.host + ":" + endpoint.port);
    req.set(http::field::user_agent, "rocctl");
    if (!endpoint.token.empty()) {
        req.set(http::field::authorization, "Bearer " + endpoint.token);
    }
    return req;
}

} // namespace

rocd::Result<Endpoint> parse_url(const std::string& url) {
    const std::string prefix = "http://";
    if (url.rfind(prefix, 0) != 0) {
        return rocd::fail(rocd::Errc::invalid_argument, "--url must look like http://HOST:PORT");
    }
    std::string rest = url.substr(prefix.size());
    if (!rest.empty() && rest.back() == '/') {
        rest.pop_back();
    }
    Endpoint out;
    const auto colon = rest.rfind(':');
    if (rest.empty() || rest.find('/') != std::string::npos) {
        return rocd::fail(rocd::Errc::invalid_argument, "--url must look like http://HOST:PORT");
    }
    if (colon == std::string::npos || rest.back() == ']') {
        out.host = rest;
        out.port = "80";
    } else {
        out.host = rest.substr(0, colon);
        out.port = rest.substr(colon + 1);
    }
    if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
        out.host = out.host.substr(1, out.host.size() - 2);
    }
    return out;
}

rocd::Error problem_error(unsigned status, const std::string& body) {
    auto json = nlohmann::json::parse(body, nullptr, false);
    std::string message = "HTTP " + std::to_string(status);
    std::string field;
    if (json.is_object()) {
        const auto text = [&](const char* key) {
            return json.contains(key) && json[key].is_string() ? json[key].get<std::string>() : std::string();
        };
        if (!text("title").empty()) {
            message += " " + text("title");
        }
        if (!text("detail").empty()) {
            message += ": " + text("detail");
        }
        field = text("field");
        if (!field.empty()) {
            message += " (field: " + field + ")";
        }
    } else if (!body.empty()) {
        message += ": " + body;
    }
    return rocd::Error {status == 401 ? rocd::Errc::unauthorized : rocd::Errc::invalid_argument, message,
                        field};
}

rocd::Result<Reply> Client::call(const std::string& method, const std::string& target,
                                 const std::optional<nlohmann::json>& body) {
    asio::io_context io;
    auto stream = connect(io, endpoint_);
    if (!stream) {
        return tl::unexpected(stream.error());
    }
    auto req = make_request(endpoint_, http::string_to_verb(method), target);
    if (body) {
        req.set(http::field::content_type, "application/json");
        req.body() = body->dump();
    }
    req.prepare_payload();
    beast::error_code ec;
    http::write(*stream, req, ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    if (!ec) {
        http::read(*stream, buffer, res, ec);
    }
    if (ec) {
        return rocd::fail(rocd::Errc::io, "request to rocd failed: " + ec.message());
    }
    beast::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    const unsigned status = res.result_int();
    if (status < 200 || status >= 300) {
        return tl::unexpected(problem_error(status, res.body()));
    }
    Reply reply;
    reply.status = status;
    if (!res.body().empty()) {
        reply.body = nlohmann::json::parse(res.body(), nullptr, false);
        if (reply.body.is_discarded()) {
            reply.body = res.body(); // not JSON (e.g. /openapi.yaml): keep the text
        }
    }
    return reply;
}

rocd::Status Client::stream_events(
    const std::string& target,
    const std::function<bool(const std::string&, const std::string&, const std::string&)>& on_event) {
    asio::io_context io;
    auto stream = connect(io, endpoint_);
    if (!stream) {
        return tl::unexpected(stream.error());
    }
    auto req = make_request(endpoint_, http::verb::get, target);
    req.set(http::field::accept, "text/event-stream");
    beast::error_code ec;
    http::write(*stream, req, ec);

    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    // An event stream has no end; boost::none here trips Boost 1.74's own
    // comparison (len > none is true), so use the largest limit instead.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (!ec) {
        http::read_header(*stream, buffer, parser, ec);
    }
    if (ec) {
        return rocd::fail(rocd::Errc::io, "event stream failed: " + ec.message());
    }
    if (parser.get().result_int() != 200) {
        std::string body;
        char chunk[4096];
        while (!parser.is_done() && !ec) {
            parser.get().body().data = chunk;
            parser.get().body().size = sizeof(chunk);
            http::read(*stream, buffer, parser, ec);
            body.append(chunk, sizeof(chunk) - parser.get().body().size);
            if (ec == http::error::need_buffer) {
                ec = {};
            }
        }
        return tl::unexpected(problem_error(parser.get().result_int(), body));
    }

    // SSE framing: messages end with a blank line; "field: value" lines.
    std::string pending;
    std::string event;
    std::string id;
    std::string data;
    char chunk[4096];
    while (!parser.is_done()) {
        parser.get().body().data = chunk;
        parser.get().body().size = sizeof(chunk);
        // read_some: hand over what arrived instead of waiting for a full chunk.
        http::read_some(*stream, buffer, parser, ec);
        if (ec == http::error::need_buffer) {
            ec = {};
        }
        if (ec) {
            return rocd::fail(rocd::Errc::io, "event stream ended: " + ec.message());
        }
        pending.append(chunk, sizeof(chunk) - parser.get().body().size);
        std::size_t line_end;
        while ((line_end = pending.find('\n')) != std::string::npos) {
            const std::string line = pending.substr(0, line_end);
            pending.erase(0, line_end + 1);
            if (line.empty()) {
                if (!data.empty() || !event.empty()) {
                    if (!on_event(event.empty() ? "message" : event, id, data)) {
                        return {};
                    }
                }
                event.clear();
                id.clear();
                data.clear();
            } else if (line.rfind("event: ", 0) == 0) {
                event = line.substr(7);
            } else if (line.rfind("id: ", 0) == 0) {
                id = line.substr(4);
            } else if (line.rfind("data: ", 0) == 0) {
                data += line.substr(6);
            }
        }
    }
    return {};
}

} // namespace rocctl
