#include "peer_commands.h"

#include <memory>
#include <optional>

#include "table.h"

namespace rocctl {

namespace {

using nlohmann::json;

const std::vector<Column> peer_columns {{"UID", "/peer_uid"},    {"NAME", "/display_name"},
                                        {"SELF", "/is_self"},    {"TRUST", "/trust"},
                                        {"STATE", "/state"},     {"RTT MS", "/rtt_ms"},
                                        {"VERSION", "/version"}, {"FINGERPRINT", "/fingerprint"}};

json body_of(Reply r) {
    return r.body;
}

} // namespace

void add_peer_commands(CLI::App& app, Action& action, Show& show) {
    // The commands' arguments, kept for the whole run (the callbacks read them).
    struct Args {
        std::string peer = "self";
        std::optional<std::string> rename;
        std::string uid;
        std::string code;
        std::string address;
        std::string key;
    };
    static Args args;

    auto* peers = app.add_subcommand("peers", "list peers");
    peers->callback([&] {
        action = [](Client& c) { return c.call("GET", "/peers").map(body_of); };
        show = [](const json& j) { return render_table(j, peer_columns); };
    });

    auto* peer = app.add_subcommand("peer", "show or rename a peer; pair with, add or revoke one");
    peer->add_option("peer", args.peer, "peer uid or self")->capture_default_str();
    peer->add_option("--rename", args.rename, "new display name");
    peer->callback([&action, peer] {
        if (!peer->get_subcommands().empty()) {
            return; // the subcommand's own callback set the action
        }
        action = [](Client& c) {
            if (args.rename) {
                return c.call("PATCH", "/peers/" + args.peer, json {{"display_name", *args.rename}})
                    .map(body_of);
            }
            return c.call("GET", "/peers/" + args.peer).map(body_of);
        };
    });

    auto* pair =
        peer->add_subcommand("pair", "start pairing here: prints the code to type on the other daemon");
    pair->add_option("uid", args.uid, "the other daemon's peer uid")->required();
    pair->callback([&] {
        action = [](Client& c) { return c.call("POST", "/peers/" + args.uid + "/pairing").map(body_of); };
    });

    auto* confirm =
        peer->add_subcommand("confirm", "type the code the other daemon shows: both then trust each other");
    confirm->add_option("uid", args.uid, "the other daemon's peer uid")->required();
    confirm->add_option("code", args.code, "the six digits it shows")->required();
    confirm->callback([&] {
        action = [](Client& c) {
            return c.call("POST", "/peers/" + args.uid + "/pairing/confirm", json {{"code", args.code}})
                .map(body_of);
        };
    });

    auto* cancel = peer->add_subcommand("cancel", "cancel (or reject) the open pairing with a peer");
    cancel->add_option("uid", args.uid, "the other daemon's peer uid")->required();
    cancel->callback([&] {
        action = [](Client& c) {
            return c.call("DELETE", "/peers/" + args.uid + "/pairing").map([](Reply) { return json(); });
        };
    });

    auto* add = peer->add_subcommand("add", "dial a peer at HOST:PORT (its key: its GET /peers/self)");
    add->add_option("address", args.address, "HOST:PORT of its peer protocol")->required();
    add->add_option("--key", args.key, "its public key (Z85, 40 characters)")->required();
    add->callback([&] {
        action = [](Client& c) {
            return c.call("POST", "/peers", json {{"address", args.address}, {"public_key", args.key}})
                .map(body_of);
        };
    });

    auto* revoke = peer->add_subcommand("revoke", "revoke a peer: its key may no longer connect");
    revoke->add_option("uid", args.uid, "peer uid")->required();
    revoke->callback(
        [&] { action = [](Client& c) { return c.call("DELETE", "/peers/" + args.uid).map(body_of); }; });
}

} // namespace rocctl
