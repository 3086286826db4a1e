#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "config/config.h"

namespace rocd::config {
namespace {

class ConfigFile : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("rocd-config-test-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path write(const std::string& text) {
        const auto path = dir_ / "rocd.yaml";
        std::ofstream(path) << text;
        return path;
    }

    std::filesystem::path dir_;
};

TEST(ListenAddress, parses_host_and_port) {
    auto a = ListenAddress::parse("127.0.0.1:4040");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 4040);

    auto b = ListenAddress::parse("[::1]:0");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->host, "::1");
    EXPECT_EQ(b->port, 0);
    EXPECT_EQ(b->str(), "[::1]:0");

    auto c = ListenAddress::parse("0.0.0.0:80");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->host, "0.0.0.0");
    // Whether it is loopback is the server's to decide, from the bound socket.
}

TEST(ListenAddress, rejects_bad_forms) {
    for (const char* text : {"", "4040", ":4040", "host:", "host:65536", "host:-1", "host:1x", "::1:80",
                             "[::1]", "[::1]80", "[::1:80"}) {
        EXPECT_FALSE(ListenAddress::parse(text)) << text;
    }
}

TEST_F(ConfigFile, applies_every_key) {
    const auto path = write(R"(
listen: 0.0.0.0:5000
driver: pipewire
state_dir: /tmp/rocd-state
verbosity: 2
log_format: json
require_token: true
tls_cert: /etc/rocd/cert.pem
tls_key: /etc/rocd/key.pem
mock_fixture: devices.json
cors_allowed_origins: [http://localhost:3000, https://admin.example]
max_connections: 10
header_timeout_ms: 500
idle_timeout_ms: 2000
event_heartbeat_ms: 250
event_queue_limit: 16
audio_priority: 0
discovery: static
network_secret: "kH3vQ9xT2mW8rB5nL7cJ4pZ6yF1sD0aE"
trust_on_first_use: true
)");
    auto cfg = apply_config_file(path, Config {});
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(cfg->listen.str(), "0.0.0.0:5000");
    EXPECT_EQ(cfg->driver, "pipewire");
    EXPECT_EQ(cfg->state_dir, "/tmp/rocd-state");
    EXPECT_EQ(cfg->verbosity, 2);
    EXPECT_EQ(cfg->log_format, LogFormat::json);
    EXPECT_TRUE(cfg->require_token);
    EXPECT_EQ(cfg->tls_cert, std::filesystem::path("/etc/rocd/cert.pem"));
    EXPECT_EQ(cfg->tls_key, std::filesystem::path("/etc/rocd/key.pem"));
    EXPECT_EQ(cfg->mock_fixture, std::filesystem::path("devices.json"));
    EXPECT_EQ(cfg->cors_allowed_origins.size(), 2u);
    EXPECT_EQ(cfg->max_connections, 10u);
    EXPECT_EQ(cfg->header_timeout.count(), 500);
    EXPECT_EQ(cfg->idle_timeout.count(), 2000);
    EXPECT_EQ(cfg->event_heartbeat.count(), 250);
    EXPECT_EQ(cfg->event_queue_limit, 16u);
    EXPECT_EQ(cfg->audio_priority, 0);
    EXPECT_EQ(cfg->discovery, Discovery::static_peers);
    EXPECT_EQ(cfg->network_secret, "kH3vQ9xT2mW8rB5nL7cJ4pZ6yF1sD0aE");
    EXPECT_TRUE(cfg->trust_on_first_use);
}

TEST_F(ConfigFile, discovery_defaults_to_dns_sd_and_takes_three_values) {
    EXPECT_EQ(Config {}.discovery, Discovery::dns_sd);
    for (const auto& [text, want] :
         {std::pair {"dns-sd", Discovery::dns_sd}, std::pair {"static", Discovery::static_peers},
          std::pair {"off", Discovery::off}}) {
        auto cfg = apply_config_file(write(std::string("discovery: ") + text + "\n"), Config {});
        ASSERT_TRUE(cfg) << text;
        EXPECT_EQ(cfg->discovery, want) << text;
    }
}

TEST_F(ConfigFile, keeps_base_values_for_absent_keys) {
    Config base;
    base.driver = "mock";
    base.verbosity = 1;
    auto cfg = apply_config_file(write("listen: 127.0.0.1:1\n"), base);
    ASSERT_TRUE(cfg);
    EXPECT_EQ(cfg->driver, "mock");
    EXPECT_EQ(cfg->verbosity, 1);
    EXPECT_EQ(cfg->listen.port, 1);
    EXPECT_TRUE(apply_config_file(write(""), base)); // empty file: nothing changes
}

TEST_F(ConfigFile, unknown_key_names_key_and_line) {
    auto cfg = apply_config_file(write("listen: 127.0.0.1:1\n\nlisten_port: 5\n"), Config {});
    ASSERT_FALSE(cfg);
    EXPECT_NE(cfg.error().message.find(":3:"), std::string::npos) << cfg.error().message;
    EXPECT_NE(cfg.error().message.find("unknown key 'listen_port'"), std::string::npos)
        << cfg.error().message;
    EXPECT_EQ(cfg.error().field, "listen_port");
}

TEST_F(ConfigFile, wrong_types_and_values_name_key_and_line) {
    struct Case {
        const char* yaml;
        const char* key;
    };
    for (const Case& c : {
             Case {"verbosity: loud\n", "verbosity"},
             Case {"verbosity: 9\n", "verbosity"},
             Case {"listen: [1, 2]\n", "listen"},
             Case {"listen: nowhere\n", "listen"},
             Case {"driver: alsa\n", "driver"},
             Case {"log_format: xml\n", "log_format"},
             Case {"require_token: maybe\n", "require_token"},
             Case {"max_connections: 0\n", "max_connections"},
             Case {"max_connections: 1.5\n", "max_connections"},
             Case {"idle_timeout_ms: -1\n", "idle_timeout_ms"},
             Case {"event_queue_limit: 15\n", "event_queue_limit"},
             Case {"event_queue_limit: 1000001\n", "event_queue_limit"},
             Case {"event_queue_limit: many\n", "event_queue_limit"},
             Case {"cors_allowed_origins: http://x\n", "cors_allowed_origins"},
             Case {"state_dir: {a: 1}\n", "state_dir"},
             Case {"audio_priority: 100\n", "audio_priority"},
             Case {"audio_priority: -1\n", "audio_priority"},
             Case {"discovery: avahi\n", "discovery"},
             Case {"discovery: [dns-sd]\n", "discovery"},
             Case {"network_secret: guessable-in-a-day\n", "network_secret"},
             Case {"network_secret: [a, b]\n", "network_secret"},
             Case {"trust_on_first_use: yes\n", "trust_on_first_use"},
         }) {
        auto cfg = apply_config_file(write(std::string("# rocd\n") + c.yaml), Config {});
        ASSERT_FALSE(cfg) << c.yaml;
        EXPECT_NE(cfg.error().message.find(":2:"), std::string::npos) << cfg.error().message;
        EXPECT_NE(cfg.error().message.find(std::string("'") + c.key + "'"), std::string::npos)
            << cfg.error().message;
    }
}

TEST_F(ConfigFile, malformed_yaml_and_missing_file_are_errors) {
    auto bad = apply_config_file(write("listen: [\n"), Config {});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("invalid YAML"), std::string::npos);
    EXPECT_FALSE(apply_config_file(dir_ / "missing.yaml", Config {}));
    EXPECT_FALSE(apply_config_file(write("- a\n- b\n"), Config {}));
}

TEST(Validate, needs_both_tls_files) {
    Config cfg;
    cfg.state_dir = "/tmp/x";
    cfg.tls_cert = "/c.pem";
    EXPECT_FALSE(validate(cfg));
    cfg.tls_key = "/k.pem";
    EXPECT_TRUE(validate(cfg));
}

TEST(DefaultStateDir, follows_xdg_then_home) {
    ::setenv("XDG_STATE_HOME", "/xdg/state", 1);
    EXPECT_EQ(default_state_dir(), std::filesystem::path("/xdg/state/rocd"));
    ::unsetenv("XDG_STATE_HOME");
    ::setenv("HOME", "/home/u", 1);
    EXPECT_EQ(default_state_dir(), std::filesystem::path("/home/u/.local/state/rocd"));
}

} // namespace
} // namespace rocd::config
