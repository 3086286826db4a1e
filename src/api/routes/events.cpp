#include "api/routes/events.h"

#include <charconv>

#include "api/http/problem.h"
#include "api/routes/event_stream.h"

namespace rocd::api {

namespace {

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        if (comma != 0) {
            out.emplace_back(text.substr(0, comma));
        }
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return out;
}

// Events carry `/peers/{uid}/...` URIs; a filter may say `self` instead.
std::string resolve_self(std::string uri, const std::optional<Uid>& self_uid) {
    constexpr std::string_view alias = "/peers/self";
    if (self_uid && uri.starts_with(alias) && (uri.size() == alias.size() || uri[alias.size()] == '/')) {
        uri.replace(0, alias.size(), "/peers/" + self_uid->str());
    }
    return uri;
}

tl::expected<std::uint64_t, Response> parse_event_id(std::string_view text, std::string_view field) {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        return tl::unexpected(problem(http::status::bad_request, "invalid-field",
                                      std::string(field) + " must be an event id (a non-negative integer)",
                                      field));
    }
    return value;
}

} // namespace

void add_event_routes(Router& router, boost::asio::io_context& io, events::EventBus& bus,
                      EventStreamOptions options) {
    // Counted by the streams themselves: one goes when its client does.
    auto clients = std::make_shared<std::size_t>(0);
    router.add_stream(
        "/events",
        [&io, &bus, options,
         clients](const RequestContext& context) -> tl::expected<std::shared_ptr<StreamSource>, Response> {
            if (*clients >= options.max_clients) {
                return tl::unexpected(problem(http::status::service_unavailable, "too-many-event-clients",
                                              "the daemon streams events to " + std::to_string(*clients) +
                                                  " clients already, its limit; retry later"));
            }
            events::Filter filter;
            std::optional<std::uint64_t> last_id;
            bool snapshot = false;
            for (const auto& [key, value] : context.query) {
                if (key == "type") {
                    for (auto& type : split_list(value)) {
                        if (!events::is_known_type(type)) {
                            return tl::unexpected(problem(http::status::bad_request, "invalid-field",
                                                          "unknown event type '" + type + "'", "type"));
                        }
                        filter.types.push_back(std::move(type));
                    }
                } else if (key == "uri") {
                    for (auto& uri : split_list(value)) {
                        if (uri.empty() || uri.front() != '/') {
                            return tl::unexpected(problem(http::status::bad_request, "invalid-field",
                                                          "uri must be a resource URI such as /streams",
                                                          "uri"));
                        }
                        filter.uris.push_back(resolve_self(std::move(uri), options.self_uid));
                    }
                } else if (key == "snapshot") {
                    if (value != "true" && value != "false") {
                        return tl::unexpected(problem(http::status::bad_request, "invalid-field",
                                                      "snapshot must be true or false", "snapshot"));
                    }
                    snapshot = value == "true";
                } else if (key == "metrics") {
                    if (value != "true" && value != "false") {
                        return tl::unexpected(problem(http::status::bad_request, "invalid-field",
                                                      "metrics must be true or false", "metrics"));
                    }
                    filter.metrics = value == "true";
                } else if (key == "last_event_id") {
                    auto id = parse_event_id(value, "last_event_id");
                    if (!id) {
                        return tl::unexpected(std::move(id.error()));
                    }
                    last_id = *id;
                } else {
                    return tl::unexpected(problem(http::status::bad_request, "invalid-field",
                                                  "unknown query parameter '" + key + "'", key));
                }
            }
            // EventSource sends Last-Event-ID itself when it reconnects.
            if (const auto header = context.request.find("Last-Event-ID"); header != context.request.end()) {
                auto id = parse_event_id(header->value(), "Last-Event-ID");
                if (!id) {
                    return tl::unexpected(std::move(id.error()));
                }
                last_id = *id;
            }
            return std::make_shared<EventStream>(io, bus, options, std::move(filter), last_id, snapshot,
                                                 clients);
        });
}

} // namespace rocd::api
