#include "port_names.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace rocctl {

namespace {

using nlohmann::json;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string text_of(const json& item, const char* key) {
    auto it = item.find(key);
    return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The items whose `uid_key` is `name`, else whose display name is, exactly, else ignoring case.
std::vector<json> matches(const json& items, const std::string& name, const char* uid_key) {
    std::vector<json> out;
    if (!items.is_array()) {
        return out;
    }
    for (const auto& pass : {0, 1, 2}) {
        for (const auto& item : items) {
            const bool hit = pass == 0   ? text_of(item, uid_key) == name
                             : pass == 1 ? text_of(item, "display_name") == name
                                         : lower(text_of(item, "display_name")) == lower(name);
            if (hit) {
                out.push_back(item);
            }
        }
        if (!out.empty()) {
            break;
        }
    }
    return out;
}

std::string listing(const json& items, const char* uid_key) {
    std::string out;
    for (const auto& item : items) {
        out +=
            (out.empty() ? "" : ", ") + text_of(item, "display_name") + " (" + text_of(item, uid_key) + ")";
    }
    return out.empty() ? "none" : out;
}

} // namespace

bool is_port_name(const std::string& text) {
    return !text.empty() && text.front() != '/' && text.find("://") == std::string::npos;
}

rocd::Result<std::string> find_peer(const json& peers, const std::string& name) {
    if (name == "self") {
        return std::string("self");
    }
    const auto found = matches(peers, name, "peer_uid");
    if (found.size() != 1) {
        return rocd::fail(rocd::Errc::invalid_argument,
                          std::string(found.empty() ? "no peer named '" : "more than one peer named '") +
                              name + "'; peers: " + listing(peers, "peer_uid") + " (give the uid)");
    }
    return text_of(found.front(), "peer_uid");
}

rocd::Result<std::string> find_port(const json& ports, const std::string& name, const std::string& peer) {
    const auto found = matches(ports, name, "port_uid");
    if (found.size() != 1) {
        return rocd::fail(rocd::Errc::invalid_argument,
                          std::string(found.empty() ? "no port named '" : "more than one port named '") +
                              name + "' on " + peer + "; ports: " + listing(ports, "port_uid") +
                              " (give the uid)");
    }
    return text_of(found.front(), "port_uri");
}

rocd::Result<std::string> resolve_stream_end(Client& client, const std::string& text) {
    if (!is_port_name(text)) {
        return text;
    }
    const auto colon = text.find(':');
    const std::string peer_name = colon == std::string::npos ? "self" : text.substr(0, colon);
    const std::string port_name = colon == std::string::npos ? text : text.substr(colon + 1);
    std::string peer = "self";
    if (peer_name != "self") {
        auto peers = client.call("GET", "/peers");
        if (!peers) {
            return tl::unexpected(peers.error());
        }
        auto found = find_peer(peers->body, peer_name);
        if (!found) {
            return found;
        }
        peer = *found;
    }
    auto ports = client.call("GET", "/peers/" + peer + "/ports");
    if (!ports) {
        return tl::unexpected(ports.error());
    }
    return find_port(ports->body, port_name, peer_name);
}

} // namespace rocctl
