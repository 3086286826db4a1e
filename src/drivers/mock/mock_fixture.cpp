#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "drivers/device_checks.h"
#include "drivers/mock/mock_driver.h"

namespace rocd::drivers {

namespace {

using nlohmann::json;

Status check_type(const json& obj, const char* key, json::value_t type, const std::string& path) {
    auto it = obj.find(key);
    if (it == obj.end()) {
        return {};
    }
    const bool ok =
        type == json::value_t::number_float ? it->is_number()
        : type == json::value_t::number_unsigned
            ? it->is_number_unsigned() || (it->is_number_integer() && it->get<std::int64_t>() >= 0)
            : it->type() == type;
    if (!ok) {
        return fail(Errc::invalid_argument, "mock fixture: " + path + "." + key + " has the wrong type",
                    path + "." + key);
    }
    return {};
}

Result<MockDevice> parse_device(const json& obj, const std::string& path) {
    if (!obj.is_object()) {
        return fail(Errc::invalid_argument, "mock fixture: " + path + " must be an object", path);
    }
    for (auto [key, type] : std::initializer_list<std::pair<const char*, json::value_t>> {
             {"name", json::value_t::string},
             {"display_name", json::value_t::string},
             {"direction", json::value_t::string},
             {"channels", json::value_t::number_unsigned},
             {"positions", json::value_t::array},
             {"rate", json::value_t::number_unsigned},
             {"volume", json::value_t::number_float},
             {"mute", json::value_t::boolean},
             {"virtual", json::value_t::boolean},
             {"tone_hz", json::value_t::number_float},
             {"tone_level", json::value_t::number_float},
         }) {
        if (auto st = check_type(obj, key, type, path); !st) {
            return tl::unexpected(st.error());
        }
    }
    MockDevice d;
    d.info.name = obj.value("name", "");
    if (d.info.name.empty()) {
        return fail(Errc::invalid_argument, "mock fixture: " + path + ".name is required", path + ".name");
    }
    d.info.display_name = obj.value("display_name", d.info.name);
    auto dir = parse_port_direction(obj.value("direction", "output"));
    if (!dir) {
        return fail(Errc::invalid_argument, "mock fixture: " + path + ".direction: " + dir.error().message,
                    path + ".direction");
    }
    d.info.direction = *dir;
    d.info.channels = obj.value("channels", 2u);
    d.info.rate = obj.value("rate", 48000u);
    // A fixture describes hardware, which may be wider than what rocd
    // creates (see device_checks.h).
    if (d.info.channels < 1 || d.info.channels > max_hardware_channels) {
        return fail(Errc::invalid_argument,
                    "mock fixture: " + path + ".channels must be 1.." + std::to_string(max_hardware_channels),
                    path + ".channels");
    }
    if (d.info.rate < min_hardware_rate || d.info.rate > max_hardware_rate) {
        return fail(Errc::invalid_argument,
                    "mock fixture: " + path + ".rate must be " + std::to_string(min_hardware_rate) + ".." +
                        std::to_string(max_hardware_rate),
                    path + ".rate");
    }
    if (obj.contains("positions")) {
        for (auto& p : obj["positions"]) {
            if (!p.is_string()) {
                return fail(Errc::invalid_argument, "mock fixture: " + path + ".positions must hold strings",
                            path + ".positions");
            }
            d.info.positions.push_back(p.get<std::string>());
        }
        if (d.info.positions.size() != d.info.channels) {
            return fail(Errc::invalid_argument,
                        "mock fixture: " + path + ".positions must have one entry per channel",
                        path + ".positions");
        }
    } else if (d.info.channels == 1) {
        d.info.positions = {"MONO"};
    } else if (d.info.channels == 2) {
        d.info.positions = {"FL", "FR"};
    }
    d.info.volume = obj.value("volume", 1.0f);
    d.info.mute = obj.value("mute", false);
    d.info.is_virtual = obj.value("virtual", false);
    d.tone_hz = obj.value("tone_hz", 440.0);
    d.tone_level = obj.value("tone_level", 0.5f);
    if (d.tone_hz <= 0 || d.tone_hz >= d.info.rate / 2.0) {
        return fail(Errc::invalid_argument, "mock fixture: " + path + ".tone_hz must be in (0, rate/2)",
                    path + ".tone_hz");
    }
    return d;
}

} // namespace

Result<MockFixture> parse_mock_fixture_document(std::string_view text) {
    json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
        return fail(Errc::invalid_argument, "mock fixture: not valid JSON");
    }
    if (!doc.is_object() || !doc.contains("devices") || !doc["devices"].is_array()) {
        return fail(Errc::invalid_argument, "mock fixture: expected {\"devices\": [...]}", "devices");
    }
    MockFixture out;
    if (doc.contains("create_delay_ms")) {
        // A test knob, bounded so that a typo cannot hang a suite for hours.
        const auto& v = doc["create_delay_ms"];
        if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 60000) {
            return fail(Errc::invalid_argument, "mock fixture: create_delay_ms must be an integer 0..60000",
                        "create_delay_ms");
        }
        out.create_delay = std::chrono::milliseconds(v.get<std::int64_t>());
    }
    if (doc.contains("tone_report")) {
        if (!doc["tone_report"].is_string() || doc["tone_report"].get<std::string>().empty()) {
            return fail(Errc::invalid_argument, "mock fixture: tone_report must be a file path",
                        "tone_report");
        }
        out.tone_report = doc["tone_report"].get<std::string>();
    }
    std::set<std::string> names;
    for (std::size_t i = 0; i < doc["devices"].size(); ++i) {
        const std::string path = "devices[" + std::to_string(i) + "]";
        auto d = parse_device(doc["devices"][i], path);
        if (!d) {
            return tl::unexpected(d.error());
        }
        if (!names.insert(d->info.name).second) {
            return fail(Errc::invalid_argument,
                        "mock fixture: duplicate device name \"" + d->info.name + "\"", path + ".name");
        }
        out.devices.push_back(std::move(*d));
    }
    return out;
}

Result<std::vector<MockDevice>> parse_mock_fixture(std::string_view text) {
    auto doc = parse_mock_fixture_document(text);
    if (!doc) {
        return tl::unexpected(doc.error());
    }
    return std::move(doc->devices);
}

Result<MockFixture> load_mock_fixture(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return fail(Errc::io, "mock fixture: cannot read \"" + path + "\"", "fixture_path");
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse_mock_fixture_document(buffer.str());
}

} // namespace rocd::drivers
