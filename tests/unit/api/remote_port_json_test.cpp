#include <gtest/gtest.h>

#include "api/representation/port_json.h"

namespace rocd::api {
namespace {

const Uid peer = *Uid::parse("aaaaaa-bbbbbb-cccccc");

Port speaker() {
    Port port {*Uid::parse("dddddd-eeeeee-ffffff"), peer};
    port.port_type = PortType::virtual_device;
    port.direction = PortDirection::output;
    port.driver = "pipewire";
    port.system_name = "rocd_virtual_1";
    port.display_name = "Shared speaker";
    port.channels = 2;
    port.rate = 48000;
    port.volume = 0.5;
    port.mute = true;
    port.present = true;
    return port;
}

TEST(ParsePort, reads_back_what_port_json_writes_and_ignores_fields_it_does_not_know) {
    auto json = port_json(speaker());
    json["from_a_newer_peer"] = 1;
    auto port = parse_port(json, peer);
    ASSERT_TRUE(port) << port.error().message;
    EXPECT_EQ(*port, speaker());
}

TEST(ParsePort, checks_a_remote_port_as_its_own_input) {
    struct Case {
        const char* field;
        nlohmann::json value;
    };
    for (const auto& c : {
             Case {"port_uri", "/peers/zzzzzz-zzzzzz-zzzzzz/ports/dddddd-eeeeee-ffffff"}, // another peer's
             Case {"port_uid", "not-a-uid"},
             Case {"port_type", "hardware"},
             Case {"direction", "sideways"},
             Case {"display_name", "bell\a"},
             Case {"display_name", ""},
             Case {"channels", 0},
             Case {"channels", 33},
             Case {"channels", -1},
             Case {"rate", 1},
             Case {"volume", 9.0},
             Case {"volume", "loud"},
             Case {"mute", 1},
             Case {"state", "sleeping"},
             Case {"driver", nullptr},
         }) {
        auto json = port_json(speaker());
        json[c.field] = c.value;
        auto port = parse_port(json, peer);
        EXPECT_FALSE(port) << c.field << " = " << c.value.dump();
        if (!port) {
            EXPECT_EQ(port.error().code, Errc::invalid_argument);
        }
    }
    auto missing = port_json(speaker());
    missing.erase("rate");
    EXPECT_FALSE(parse_port(missing, peer));
    EXPECT_FALSE(parse_port(nlohmann::json::array(), peer));
}

} // namespace
} // namespace rocd::api
