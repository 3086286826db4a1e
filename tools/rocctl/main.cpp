// rocctl: command-line client of rocd's REST API. Tables for people,
// --json for scripts; errors are the API's problem details.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>

#include "client.h"
#include "peer_commands.h"
#include "port_names.h"
#include "table.h"

namespace {

using nlohmann::json;
using rocctl::Column;

const std::vector<Column> port_columns {{"UID", "/port_uid"},        {"TYPE", "/port_type"},
                                        {"DIRECTION", "/direction"}, {"STATE", "/state"},
                                        {"CH", "/channels"},         {"RATE", "/rate"},
                                        {"NAME", "/display_name"},   {"SYSTEM NAME", "/system_name"}};
const std::vector<Column> stream_columns {{"UID", "/stream_uid"},
                                          {"DIRECTION", "/direction"},
                                          {"STATE", "/state"},
                                          {"SOURCE", "/source"},
                                          {"DESTINATION", "/destination"}};

// Exit statuses (also in --help).
constexpr int exit_refused = 1;     // the API answered with a problem, or a transport error
constexpr int exit_usage = 2;       // bad command line
constexpr int exit_unreachable = 3; // no daemon at --url

std::string default_token() {
    if (const char* env = std::getenv("ROCD_TOKEN"); env != nullptr) {
        return env;
    }
    std::filesystem::path dir;
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && *xdg == '/') {
        dir = std::filesystem::path(xdg) / "rocd";
    } else if (const char* home = std::getenv("HOME"); home != nullptr) {
        dir = std::filesystem::path(home) / ".local/state/rocd";
    }
    std::ifstream in(dir / "api-token");
    std::string token;
    std::getline(in, token);
    return token;
}

// Compact "where" of a stream end for the table: the port or the address.
std::string end_summary(const json& end) {
    if (!end.is_object()) {
        return "-";
    }
    for (const char* key : {"port_uri", "media_uri"}) {
        if (end.contains(key) && end[key].is_string()) {
            return end[key].get<std::string>();
        }
    }
    return end.dump();
}

json summarize_streams(const json& streams) {
    json out = json::array();
    for (auto stream : streams) {
        stream["source"] = end_summary(stream.value("source", json()));
        stream["destination"] = end_summary(stream.value("destination", json()));
        out.push_back(stream);
    }
    return out;
}

int fail(const rocd::Error& error) {
    std::fprintf(stderr, "rocctl: %s\n", error.message.c_str());
    if (error.code == rocd::Errc::unauthorized) {
        std::fprintf(stderr, "rocctl: the token is --token, ROCD_TOKEN or the daemon's api-token file\n");
    }
    return error.code == rocd::Errc::unavailable ? exit_unreachable : exit_refused;
}

// A stream end from a command-line URI: a port URI (/peers/...) or a
// network address (scheme://host:port).
json stream_end(const std::string& uri, const std::string& repair, const std::string& control) {
    if (!uri.empty() && uri.front() == '/') {
        return {{"type", "port"}, {"port_uri", uri}};
    }
    json end {{"type", "address"}, {"media_uri", uri}};
    if (!repair.empty()) {
        end["repair_uri"] = repair;
    }
    if (!control.empty()) {
        end["control_uri"] = control;
    }
    return end;
}

// --set KEY=VALUE
const CLI::Validator key_value(
    [](const std::string& setting) {
        return setting.find('=') == std::string::npos ? "takes KEY=VALUE, got '" + setting + "'"
                                                      : std::string();
    },
    "KEY=VALUE");

// The settings object of --set KEY=VALUE...: numbers, booleans and null go
// as JSON values, anything else as text.
json settings_object(const std::vector<std::string>& settings) {
    json out = json::object();
    for (const auto& setting : settings) {
        const auto eq = setting.find('=');
        const std::string value = setting.substr(eq + 1);
        json parsed = json::parse(value, nullptr, false);
        out[setting.substr(0, eq)] = parsed.is_discarded() ? json(value) : parsed;
    }
    return out;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app {"rocctl: control a rocd daemon through its REST API", "rocctl"};
    app.require_subcommand(1);
    // --url, --token and --json also after the subcommand (rocctl ports --json).
    app.fallthrough();
    app.footer("Exit status: 0 done, 1 the API refused (its problem detail is shown), 2 usage error, 3 "
               "daemon unreachable.");
    std::string url = std::getenv("ROCD_URL") != nullptr ? std::getenv("ROCD_URL") : "http://127.0.0.1:4040";
    std::string token;
    bool as_json = false;
    app.add_option("--url", url, "daemon address (env ROCD_URL)")->capture_default_str();
    app.add_option("--token", token,
                   "API token (env ROCD_TOKEN; default: the daemon's token file, if readable)");
    app.add_flag("--json", as_json, "print the API's JSON instead of tables");

    // What to do once the command line is parsed: a request and how to show it.
    std::function<rocd::Result<json>(rocctl::Client&)> action;
    std::function<std::string(const json&)> show = [](const json& j) { return rocctl::render_object(j); };

    auto* status = app.add_subcommand("status", "daemon version, uptime, driver, peer");
    status->callback([&] {
        action = [](auto& c) { return c.call("GET", "/status").map([](auto r) { return r.body; }); };
    });

    rocctl::add_peer_commands(app, action, show);

    std::string peer_ref = "self";
    auto* ports = app.add_subcommand("ports", "list the ports (audio devices) of a peer");
    ports->add_option("--peer", peer_ref, "peer uid or self")->capture_default_str();
    ports->callback([&] {
        action = [&](auto& c) {
            return c.call("GET", "/peers/" + peer_ref + "/ports").map([](auto r) { return r.body; });
        };
        show = [](const json& j) { return rocctl::render_table(j, port_columns); };
    });

    auto* port = app.add_subcommand("port", "show, create, change or delete a port");
    port->require_subcommand(1);
    std::string port_uid;
    auto* port_get = port->add_subcommand("get", "show one port");
    port_get->add_option("uid", port_uid, "port uid")->required();
    port_get->callback([&] {
        action = [&](auto& c) {
            return c.call("GET", "/peers/self/ports/" + port_uid).map([](auto r) { return r.body; });
        };
    });
    auto* port_create = port->add_subcommand("create", "create a virtual device");
    std::string virtual_kind;
    std::optional<std::string> port_name;
    unsigned channels = 2;
    unsigned rate = 48000;
    port_create
        ->add_option("--virtual", virtual_kind,
                     "speaker (apps play into it) or microphone (apps record from it)")
        ->required()
        ->check(CLI::IsMember({"speaker", "microphone"}));
    port_create->add_option("--name", port_name, "display name (default: Virtual speaker / microphone)");
    port_create->add_option("--channels", channels, "channel count")->capture_default_str();
    port_create->add_option("--rate", rate, "sample rate in Hz")->capture_default_str();
    port_create->callback([&] {
        action = [&](auto& c) {
            json body {{"port_type", "virtual_device"},
                       {"direction", virtual_kind == "speaker" ? "output" : "input"},
                       {"channels", channels},
                       {"rate", rate}};
            if (port_name) {
                body["display_name"] = *port_name;
            }
            return c.call("POST", "/peers/self/ports", body).map([](auto r) { return r.body; });
        };
    });
    auto* port_update = port->add_subcommand("update", "change a port's name, volume or mute");
    std::optional<std::string> new_name;
    std::optional<double> volume;
    std::optional<bool> mute;
    port_update->add_option("uid", port_uid, "port uid")->required();
    port_update->add_option("--name", new_name, "display name");
    port_update->add_option("--volume", volume, "linear volume (1 = unity)");
    port_update->add_option("--mute", mute, "true or false");
    port_update->callback([&] {
        action = [&](auto& c) {
            json body = json::object();
            if (new_name) {
                body["display_name"] = *new_name;
            }
            if (volume) {
                body["volume"] = *volume;
            }
            if (mute) {
                body["mute"] = *mute;
            }
            return c.call("PATCH", "/peers/self/ports/" + port_uid, body).map([](auto r) { return r.body; });
        };
    });
    auto* port_delete = port->add_subcommand("delete", "delete a virtual device");
    port_delete->add_option("uid", port_uid, "port uid")->required();
    port_delete->callback([&] {
        action = [&](auto& c) {
            return c.call("DELETE", "/peers/self/ports/" + port_uid).map([](auto) { return json(); });
        };
    });

    auto* streams = app.add_subcommand("streams", "list streams");
    streams->callback([&] {
        action = [](auto& c) { return c.call("GET", "/streams").map([](auto r) { return r.body; }); };
        show = [](const json& j) { return rocctl::render_table(summarize_streams(j), stream_columns); };
    });

    auto* stream = app.add_subcommand("stream", "show, create, change or delete a stream");
    stream->require_subcommand(1);
    std::string stream_uid;
    auto* stream_get = stream->add_subcommand("get", "show one stream with its state and metrics");
    stream_get->add_option("uid", stream_uid, "stream uid")->required();
    stream_get->callback([&] {
        action = [&](auto& c) {
            return c.call("GET", "/streams/" + stream_uid).map([](auto r) { return r.body; });
        };
    });
    auto* stream_create = stream->add_subcommand(
        "create",
        "create a stream: port to address (send), address to port (receive), port to port (local, or "
        "between two peers)");
    std::string from;
    std::string to;
    std::string repair;
    std::string control;
    std::vector<std::string> settings;
    stream_create
        ->add_option("--from", from,
                     "source: a port URI (/peers/self/ports/UID), a port by names (PEER:PORT, e.g. "
                     "kitchen:Speakers; PORT alone: a port of this daemon) or an address (rtp://HOST:PORT)")
        ->required();
    stream_create->add_option("--to", to, "destination: an address, a port URI or PEER:PORT")->required();
    stream_create->add_option("--repair", repair,
                              "FEC repair address of the address side (rs8m://, ldpc://)");
    stream_create->add_option("--control", control, "RTCP address of the address side (rtcp://)");
    stream_create
        ->add_option("--set", settings, "a setting KEY=VALUE (e.g. target_latency_ms=100); repeatable")
        ->check(key_value);
    stream_create->callback([&] {
        const auto is_port = [](const std::string& uri) {
            return !uri.empty() && (uri.front() == '/' || rocctl::is_port_name(uri));
        };
        if (is_port(from) && is_port(to) && (!repair.empty() || !control.empty())) {
            throw CLI::ValidationError("--repair/--control",
                                       "a port -> port stream has no address side to give them to");
        }
        action = [&](auto& c) -> rocd::Result<json> {
            auto source = rocctl::resolve_stream_end(c, from);
            auto destination = source ? rocctl::resolve_stream_end(c, to) : source;
            if (!destination) {
                return tl::unexpected(destination.error());
            }
            const bool sending = source->front() == '/';
            json body {
                {"source", stream_end(*source, sending ? "" : repair, sending ? "" : control)},
                {"destination", stream_end(*destination, sending ? repair : "", sending ? control : "")}};
            if (!settings.empty()) {
                body["settings"] = settings_object(settings);
            }
            return c.call("POST", "/streams", body).map([](auto r) { return r.body; });
        };
    });
    auto* stream_update = stream->add_subcommand("update", "change a stream's settings");
    stream_update->add_option("uid", stream_uid, "stream uid")->required();
    stream_update->add_option("--set", settings, "a setting KEY=VALUE (KEY=null: the default); repeatable")
        ->required()
        ->check(key_value);
    stream_update->callback([&] {
        action = [&](auto& c) {
            return c.call("PATCH", "/streams/" + stream_uid, json {{"settings", settings_object(settings)}})
                .map([](auto r) { return r.body; });
        };
    });
    auto* stream_delete = stream->add_subcommand("delete", "stop and delete a stream");
    stream_delete->add_option("uid", stream_uid, "stream uid")->required();
    stream_delete->callback([&] {
        action = [&](auto& c) {
            return c.call("DELETE", "/streams/" + stream_uid).map([](auto) { return json(); });
        };
    });

    auto* events = app.add_subcommand("events", "follow events until interrupted (or --count)");
    std::string types;
    std::string uris;
    bool snapshot = false;
    std::uint64_t count = 0;
    events->add_option("--type", types, "comma-separated event types");
    events->add_option("--uri", uris, "comma-separated resource URIs");
    events->add_flag("--snapshot", snapshot, "start with the current state of every matching resource");
    events->add_option("--count", count, "exit 0 after printing this many messages (snapshot ones included)")
        ->check(CLI::PositiveNumber);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : exit_usage; // --help is a ParseError too
    }

    auto endpoint = rocctl::parse_url(url);
    if (!endpoint) {
        fail(endpoint.error());
        return exit_usage;
    }
    endpoint->token = token.empty() ? default_token() : token;
    rocctl::Client client(*endpoint);

    if (events->parsed()) {
        std::string target = "/events?snapshot=" + std::string(snapshot ? "true" : "false");
        if (!types.empty()) {
            target += "&type=" + types;
        }
        if (!uris.empty()) {
            target += "&uri=" + uris;
        }
        auto status = client.stream_events(
            target, [&](const std::string& event, const std::string& id, const std::string& data) {
                if (as_json) {
                    json line {{"event", event}, {"data", json::parse(data, nullptr, false)}};
                    if (!id.empty()) {
                        line["id"] = id;
                    }
                    std::cout << line.dump() << std::endl;
                } else {
                    std::cout << (id.empty() ? std::string("-") : id) << "  " << event << "  " << data
                              << std::endl;
                }
                return count == 0 || --count > 0;
            });
        return status ? 0 : fail(status.error());
    }

    auto result = action(client);
    if (!result) {
        return fail(result.error());
    }
    if (result->is_null()) {
        return 0; // DELETE: nothing to show
    }
    std::cout << (as_json ? result->dump(2) + "\n" : show(*result));
    return 0;
}
