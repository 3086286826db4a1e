// HTTP message types shared by the server, the router and the routes.
#pragma once

#include <map>
#include <string>

#include <boost/beast/http.hpp>

namespace rocd::api {

namespace http = boost::beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

/// Values of the `{name}` segments of the matched route pattern.
using PathParams = std::map<std::string, std::string>;

/// Largest request body accepted (larger: 413).
constexpr std::size_t max_body_size = 1024 * 1024;

} // namespace rocd::api
