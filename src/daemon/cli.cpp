#include "daemon/cli.h"

#include <cstdio>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "config/peer_keys.h"
#include "core/version.h"

namespace rocd::daemon {

namespace {

// The installed layout is bin/rocd + share/rocd/; the build tree mirrors it.
std::filesystem::path default_data_dir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto candidate = exe.parent_path().parent_path() / "share" / "rocd";
        if (std::filesystem::exists(candidate / "openapi.yaml", ec)) {
            return candidate;
        }
    }
    return std::filesystem::path(ROCD_INSTALL_DATADIR);
}

void print_error(const std::string& message) {
    std::fprintf(stderr, "rocd: %s\n", message.c_str());
}

} // namespace

std::variant<Invocation, int> parse_command_line(int argc, char** argv) {
    CLI::App app {"rocd: real-time audio streaming daemon (Roc Streaming)", "rocd"};
    app.set_version_flag("--version", std::string("rocd ") + version);
    app.get_formatter()->column_width(32);

    std::optional<std::string> listen;
    std::optional<std::string> p2p_listen;
    std::optional<std::string> discovery;
    std::optional<std::string> driver;
    std::optional<std::string> state_dir;
    std::optional<std::string> config_file;
    std::optional<std::string> log_format;
    std::optional<std::string> tls_cert;
    std::optional<std::string> tls_key;
    std::optional<std::string> mock_fixture;
    std::optional<std::string> data_dir;
    std::vector<std::string> cors;
    bool rotate_token = false;
    bool repair_state = false;
    bool integrity_check = false;
    bool require_token = false;
    std::optional<std::string> network_secret;
    bool trust_on_first_use = false;

    app.add_option("--listen", listen,
                   "HTTP API address HOST:PORT (default 127.0.0.1:4040; port 0: any free port)");
    app.add_option("--p2p-listen", p2p_listen,
                   "peer-protocol address HOST:PORT, or 'off' (default 0.0.0.0:4041)");
    app.add_option("--discovery", discovery,
                   "how peers are found: dns-sd (Avahi, and the config's peers), static (the peers only) "
                   "or off (default dns-sd)");
    app.add_option("--network-secret", network_secret,
                   "peers proving this secret trust each other (32+ characters; other local users can read a "
                   "command line: prefer network_secret in the --config file)");
    app.add_flag("--trust-on-first-use", trust_on_first_use,
                 "trust every new peer key at its first hello (labs only: anyone who reaches the peer port "
                 "is trusted)");
    app.add_option("--driver", driver, "device driver: pipewire or mock");
    app.add_option("--state-dir", state_dir,
                   "state directory (default $XDG_STATE_HOME/rocd or ~/.local/state/rocd)");
    app.add_option("--config", config_file, "YAML config file; command-line options override it");
    int verbosity = 0;
    app.add_flag("-v,--verbose", verbosity, "more log output: -v debug, -vv trace");
    app.add_option("--log-format", log_format, "log format: text or json")
        ->check(CLI::IsMember({"text", "json"}));
    app.add_option("--tls-cert", tls_cert, "serve HTTPS with this PEM certificate chain");
    app.add_option("--tls-key", tls_key, "PEM private key for --tls-cert");
    app.add_option("--cors-origin", cors, "allow this browser origin (repeatable; '*' for any)");
    app.add_option("--mock-fixture", mock_fixture, "JSON device fixture for the mock driver");
    app.add_option("--data-dir", data_dir, "where openapi.yaml and the /docs renderer are")->group("");
    app.add_flag("--require-token", require_token, "require the API token even on a loopback address");
    app.add_flag("--rotate-token", rotate_token, "replace the API token in the state directory and exit");
    app.add_flag("--repair-state", repair_state,
                 "copy what can be read of a damaged state database into a new one, keep the old file "
                 "beside it, and exit");
    app.add_flag("--integrity-check", integrity_check,
                 "check every index of the state database at start (slower than the default quick check)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    Invocation out;
    config::Config& cfg = out.config;
    cfg.state_dir = config::default_state_dir();
    if (config_file) {
        auto loaded = config::apply_config_file(*config_file, cfg);
        if (!loaded) {
            print_error(loaded.error().message);
            return 1;
        }
        cfg = std::move(*loaded);
    }
    if (listen) {
        auto address = config::ListenAddress::parse(*listen);
        if (!address) {
            print_error("--listen: " + address.error().message);
            return 1;
        }
        cfg.listen = *address;
    }
    if (p2p_listen) {
        auto address = config::parse_p2p_listen(*p2p_listen);
        if (!address) {
            print_error("--p2p-listen: " + address.error().message);
            return 1;
        }
        cfg.p2p_listen = *address;
    }
    if (discovery) {
        auto parsed = config::parse_discovery(*discovery);
        if (!parsed) {
            print_error("--discovery: " + parsed.error().message);
            return 1;
        }
        cfg.discovery = *parsed;
    }
    if (network_secret) {
        auto secret = config::parse_network_secret(*network_secret);
        if (!secret) {
            print_error("--network-secret: " + secret.error().message);
            return 1;
        }
        cfg.network_secret = std::move(*secret);
    }
    if (trust_on_first_use) {
        cfg.trust_on_first_use = true;
    }
    if (driver) {
        const auto& drivers = config::known_drivers();
        if (std::find(drivers.begin(), drivers.end(), *driver) == drivers.end()) {
            print_error("--driver: unknown driver '" + *driver + "' (pipewire, mock)");
            return 1;
        }
        cfg.driver = *driver;
    }
    if (state_dir) {
        cfg.state_dir = *state_dir;
    }
    if (verbosity > 0) {
        cfg.verbosity = verbosity;
    }
    if (log_format) {
        cfg.log_format = *log_format == "json" ? config::LogFormat::json : config::LogFormat::text;
    }
    if (tls_cert) {
        cfg.tls_cert = *tls_cert;
    }
    if (tls_key) {
        cfg.tls_key = *tls_key;
    }
    if (require_token) {
        cfg.require_token = true;
    }
    if (integrity_check) {
        cfg.full_integrity_check = true;
    }
    if (!cors.empty()) {
        cfg.cors_allowed_origins = cors;
    }
    if (mock_fixture) {
        cfg.mock_fixture = *mock_fixture;
    }
    if (auto status = config::validate(cfg); !status) {
        print_error(status.error().message);
        return 1;
    }
    if (rotate_token && repair_state) {
        print_error("--rotate-token and --repair-state: one at a time");
        return 1;
    }
    out.rotate_token = rotate_token;
    out.repair_state = repair_state;
    out.data_dir = data_dir ? std::filesystem::path(*data_dir) : default_data_dir();
    return out;
}

} // namespace rocd::daemon
