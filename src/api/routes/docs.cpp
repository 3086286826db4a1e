#include "api/routes/docs.h"

#include <charconv>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "api/http/json_body.h"
#include "api/http/problem.h"

namespace rocd::api {

namespace {

std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// YAML plain scalars carry no type; resolve them as YAML 1.2's core schema
// does, so that the JSON rendering has real booleans and numbers.
nlohmann::json scalar_to_json(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    if (node.Tag() != "?") {
        return text; // quoted: always a string
    }
    if (text == "true" || text == "True" || text == "TRUE") {
        return true;
    }
    if (text == "false" || text == "False" || text == "FALSE") {
        return false;
    }
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
        return nullptr;
    }
    long long integer = 0;
    auto [iend, iec] = std::from_chars(text.data(), text.data() + text.size(), integer);
    if (iec == std::errc() && iend == text.data() + text.size()) {
        return integer;
    }
    double real = 0;
    auto [rend, rec] = std::from_chars(text.data(), text.data() + text.size(), real);
    if (rec == std::errc() && rend == text.data() + text.size()) {
        return real;
    }
    return text;
}

nlohmann::json yaml_to_json(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& entry : node) {
            out[entry.first.Scalar()] = yaml_to_json(entry.second);
        }
        return out;
    }
    case YAML::NodeType::Sequence: {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : node) {
            out.push_back(yaml_to_json(item));
        }
        return out;
    }
    case YAML::NodeType::Scalar:
        return scalar_to_json(node);
    default:
        return nullptr;
    }
}

// The document's JSON rendering, from its YAML text. Converting it takes a
// long while for a start (most of a control plane's start in the fuzzers,
// which restart it for every input), so a process converts a text once.
Result<std::shared_ptr<const std::string>> json_rendering(const std::string& yaml_text,
                                                          const std::filesystem::path& yaml_path) {
    static std::mutex mutex;
    static std::string converted_from;
    static std::shared_ptr<const std::string> converted;
    const std::lock_guard lock(mutex);
    if (converted && converted_from == yaml_text) {
        return converted;
    }
    try {
        converted = std::make_shared<const std::string>(yaml_to_json(YAML::Load(yaml_text)).dump(2));
    } catch (const YAML::Exception& e) {
        return fail(Errc::internal, yaml_path.string() + ": invalid YAML: " + e.msg);
    }
    converted_from = yaml_text;
    return converted;
}

Response text_response(std::string body, std::string_view content_type) {
    Response res {http::status::ok, 11};
    res.set(http::field::content_type, content_type);
    res.set(http::field::cache_control, "no-cache");
    res.body() = std::move(body);
    return res;
}

constexpr std::string_view docs_page = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rocd API reference</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="/docs/redoc.standalone.js"></script>
</body>
</html>
)";

} // namespace

Status add_docs_routes(Router& router, const std::filesystem::path& data_dir) {
    const auto yaml_path = data_dir / "openapi.yaml";
    auto yaml_text = read_file(yaml_path);
    if (!yaml_text) {
        return fail(Errc::io, "cannot read the API document " + yaml_path.string());
    }
    auto json_body = json_rendering(*yaml_text, yaml_path);
    if (!json_body) {
        return tl::unexpected(json_body.error());
    }
    auto yaml_body = std::make_shared<const std::string>(std::move(*yaml_text));
    router.add(http::verb::get, "/openapi.yaml",
               [yaml_body](const RequestContext&) { return text_response(*yaml_body, "application/yaml"); });
    router.add(http::verb::get, "/openapi.json", [json_body = *json_body](const RequestContext&) {
        return text_response(*json_body, "application/json");
    });

    // The renderer comes from npm (web/docs) at build time; a build made
    // without it still serves the document, and says what /docs lacks.
    auto bundle = read_file(data_dir / "docs" / "redoc.standalone.js");
    if (!bundle) {
        const std::string missing = (data_dir / "docs" / "redoc.standalone.js").string();
        router.add(http::verb::get, "/docs", [missing](const RequestContext&) {
            return problem(http::status::service_unavailable, "unavailable",
                           "the HTML renderer is not installed (" + missing +
                               "); run scripts/install-deps and rebuild. /openapi.yaml is available.");
        });
        return {};
    }
    auto bundle_body = std::make_shared<const std::string>(std::move(*bundle));
    router.add(http::verb::get, "/docs", [](const RequestContext&) {
        return text_response(std::string(docs_page), "text/html; charset=utf-8");
    });
    router.add(http::verb::get, "/docs/redoc.standalone.js", [bundle_body](const RequestContext&) {
        return text_response(*bundle_body, "text/javascript; charset=utf-8");
    });
    return {};
}

} // namespace rocd::api
