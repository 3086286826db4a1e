#include "config/config.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "config/peer_keys.h"

namespace rocd::config {

namespace {

Result<std::uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535) {
        return fail(Errc::invalid_argument, "port must be a number from 0 to 65535");
    }
    return static_cast<std::uint16_t>(value);
}

std::string where(const std::filesystem::path& path, const YAML::Node& node) {
    return path.string() + ":" + std::to_string(node.Mark().line + 1);
}

} // namespace

Result<ListenAddress> ListenAddress::parse(std::string_view text) {
    ListenAddress out;
    std::string_view host;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            return fail(Errc::invalid_argument, "expected [IPV6]:PORT, got '" + std::string(text) + "'");
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos || text.find(':') != colon) {
            return fail(Errc::invalid_argument, "expected HOST:PORT, got '" + std::string(text) + "'");
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (host.empty()) {
        return fail(Errc::invalid_argument, "missing host in '" + std::string(text) + "'");
    }
    auto number = parse_port(port);
    if (!number) {
        return fail(Errc::invalid_argument, number.error().message + " in '" + std::string(text) + "'");
    }
    out.host = std::string(host);
    out.port = *number;
    return out;
}

std::string ListenAddress::str() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::filesystem::path default_state_dir() {
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && *xdg == '/') {
        return std::filesystem::path(xdg) / "rocd";
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return std::filesystem::path(home) / ".local" / "state" / "rocd";
    }
    return std::filesystem::path("/var/lib/rocd");
}

const std::vector<std::string>& known_drivers() {
    static const std::vector<std::string> drivers {"pipewire", "mock"};
    return drivers;
}

Result<Config> apply_config_file(const std::filesystem::path& path, Config base) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail(Errc::io, "cannot read config file " + path.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        return fail(Errc::io, "cannot read config file " + path.string());
    }
    return apply_config_text(text.str(), path, std::move(base));
}

Result<Config> apply_config_text(std::string_view text, const std::filesystem::path& path, Config base) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        return fail(Errc::invalid_argument,
                    path.string() + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
    }
    if (root.IsNull()) {
        return base; // an empty file changes nothing
    }
    if (!root.IsMap()) {
        return fail(Errc::invalid_argument, where(path, root) + ": expected a mapping of settings");
    }

    // Each key's parser reads its node into `base` or explains what is wrong.
    using Apply = std::function<Status(const YAML::Node&)>;
    auto scalar_text = [](const YAML::Node& node) -> Result<std::string> {
        if (!node.IsScalar()) {
            return fail(Errc::invalid_argument, "expected a string");
        }
        return node.Scalar();
    };
    auto integer = [](const YAML::Node& node, long long min, long long max) -> Result<long long> {
        long long value = 0;
        const std::string text = node.IsScalar() ? node.Scalar() : "";
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (!node.IsScalar() || text.empty() || ec != std::errc() || end != text.data() + text.size() ||
            value < min || value > max) {
            return fail(Errc::invalid_argument,
                        "expected an integer from " + std::to_string(min) + " to " + std::to_string(max));
        }
        return value;
    };
    auto path_value = [&](std::optional<std::filesystem::path>& out) {
        return [&, scalar_text](const YAML::Node& node) -> Status {
            auto text = scalar_text(node);
            if (!text) {
                return tl::unexpected(text.error());
            }
            if (text->empty()) {
                return fail(Errc::invalid_argument, "expected a file path");
            }
            out = *text;
            return {};
        };
    };
    auto millis = [&](std::chrono::milliseconds& out) {
        return [&, integer](const YAML::Node& node) -> Status {
            auto value = integer(node, 1, 3'600'000);
            if (!value) {
                return tl::unexpected(value.error());
            }
            out = std::chrono::milliseconds(*value);
            return {};
        };
    };

    auto boolean = [](bool& out) {
        return [&out](const YAML::Node& node) -> Status {
            const std::string text = node.IsScalar() ? node.Scalar() : "";
            if (text != "true" && text != "false") {
                return fail(Errc::invalid_argument, "expected true or false");
            }
            out = text == "true";
            return {};
        };
    };

    auto count = [&](std::size_t& out, std::int64_t min, std::int64_t max) {
        return [&out, integer, min, max](const YAML::Node& node) -> Status {
            auto value = integer(node, min, max);
            if (!value) {
                return tl::unexpected(value.error());
            }
            out = static_cast<std::size_t>(*value);
            return {};
        };
    };

    const std::map<std::string, Apply> keys {
        {"p2p_listen",
         [&](const YAML::Node& node) -> Status {
             auto text = scalar_text(node);
             if (!text) {
                 return tl::unexpected(text.error());
             }
             auto address = parse_p2p_listen(*text);
             if (!address) {
                 return tl::unexpected(address.error());
             }
             base.p2p_listen = *address;
             return {};
         }},
        {"discovery",
         [&](const YAML::Node& node) -> Status {
             auto text = scalar_text(node);
             if (!text) {
                 return tl::unexpected(text.error());
             }
             auto discovery = parse_discovery(*text);
             if (!discovery) {
                 return tl::unexpected(discovery.error());
             }
             base.discovery = *discovery;
             return {};
         }},
        {"peers",
         [&](const YAML::Node& node) -> Status {
             auto peers = parse_static_peers(node);
             if (!peers) {
                 return tl::unexpected(peers.error());
             }
             base.peers = std::move(*peers);
             return {};
         }},
        {"network_secret",
         [&](const YAML::Node& node) -> Status {
             auto text = scalar_text(node);
             if (!text) {
                 return tl::unexpected(text.error());
             }
             auto secret = parse_network_secret(*text);
             if (!secret) {
                 return tl::unexpected(secret.error());
             }
             base.network_secret = std::move(*secret);
             return {};
         }},
        {"trust_on_first_use", boolean(base.trust_on_first_use)},
        {"listen",
         [&](const YAML::Node& node) -> Status {
             auto text = scalar_text(node);
             if (!text) {
                 return tl::unexpected(text.error());
             }
             auto address = ListenAddress::parse(*text);
             if (!address) {
                 return tl::unexpected(address.error());
             }
             base.listen = *address;
             return {};
         }},
        {"driver",
         [&](const YAML::Node& node) -> Status {
             auto text = scalar_text(node);
             if (!text) {
                 return tl::unexpected(text.error());
             }
             const auto& drivers = known_drivers();
             if (std::find(drivers.begin(), drivers.end(), *text) == drivers.end()) {
                 return fail(Errc::invalid_argument, "unknown driver '" + *text + "' (pipewire, mock)");
             }
             base.driver = *text;
             return {};
         }},
        {"state_dir",
         [&](const YAML::Node& node) -> Status {
             auto text = scalar_text(node);
             if (!text || text->empty()) {
                 return fail(Errc::invalid_argument, "expected a directory path");
             }
             base.state_dir = *text;
             return {};
         }},
        {"verbosity",
         [&](const YAML::Node& node) -> Status {
             auto value = integer(node, 0, 3);
             if (!value) {
                 return tl::unexpected(value.error());
             }
             base.verbosity = static_cast<int>(*value);
             return {};
         }},
        {"log_format",
         [&](const YAML::Node& node) -> Status {
             auto text = scalar_text(node);
             if (text && *text == "text") {
                 base.log_format = LogFormat::text;
             } else if (text && *text == "json") {
                 base.log_format = LogFormat::json;
             } else {
                 return fail(Errc::invalid_argument, "expected 'text' or 'json'");
             }
             return {};
         }},
        {"require_token", boolean(base.require_token)},
        {"tls_cert", path_value(base.tls_cert)},
        {"tls_key", path_value(base.tls_key)},
        {"mock_fixture", path_value(base.mock_fixture)},
        {"cors_allowed_origins",
         [&](const YAML::Node& node) -> Status {
             if (!node.IsSequence()) {
                 return fail(Errc::invalid_argument, "expected a list of origins");
             }
             std::vector<std::string> origins;
             for (const auto& item : node) {
                 if (!item.IsScalar() || item.Scalar().empty()) {
                     return fail(Errc::invalid_argument, "expected a list of origins (strings)");
                 }
                 origins.push_back(item.Scalar());
             }
             base.cors_allowed_origins = std::move(origins);
             return {};
         }},
        {"max_connections", count(base.max_connections, 1, 100'000)},
        {"max_connections_per_client", count(base.max_connections_per_client, 1, 100'000)},
        {"max_event_clients", count(base.max_event_clients, 1, 100'000)},
        {"max_streams", count(base.max_streams, 1, 10'000)},
        {"max_sessions_per_stream", count(base.max_sessions_per_stream, 1, 64)},
        {"audio_priority",
         [&](const YAML::Node& node) -> Status {
             auto value = integer(node, 0, 99);
             if (!value) {
                 return tl::unexpected(value.error());
             }
             base.audio_priority = static_cast<int>(*value);
             return {};
         }},
        {"max_requests_per_second", count(base.max_requests_per_second, 1, 1'000'000)},
        {"header_timeout_ms", millis(base.header_timeout)},
        {"idle_timeout_ms", millis(base.idle_timeout)},
        {"event_heartbeat_ms", millis(base.event_heartbeat)},
        {"event_queue_limit", count(base.event_queue_limit, 16, 1'000'000)},
    };

    for (const auto& entry : root) {
        const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
        const auto it = keys.find(key);
        if (it == keys.end()) {
            std::string known;
            for (const auto& [name, apply] : keys) {
                known += (known.empty() ? "" : ", ") + name;
            }
            return fail(Errc::invalid_argument,
                        where(path, entry.first) + ": unknown key '" + key + "' (known keys: " + known + ")",
                        key);
        }
        if (auto status = it->second(entry.second); !status) {
            return fail(Errc::invalid_argument,
                        where(path, entry.second) + ": key '" + key + "': " + status.error().message, key);
        }
    }
    return base;
}

Status validate(const Config& config) {
    if (config.tls_cert.has_value() != config.tls_key.has_value()) {
        return fail(Errc::invalid_argument, "TLS needs both a certificate (tls_cert) and a key (tls_key)",
                    config.tls_cert ? "tls_key" : "tls_cert");
    }
    if (config.state_dir.empty()) {
        return fail(Errc::invalid_argument, "state directory is empty", "state_dir");
    }
    return {};
}

} // namespace rocd::config
